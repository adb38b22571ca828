package main

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/minirun/minirun/pkg/audit"
	"github.com/minirun/minirun/pkg/container"
	"github.com/minirun/minirun/pkg/seccomp"
)

func init() {
	register("audit-listen", command{"log a container's notified syscalls as JSON lines (a seccomp listenerPath agent)", runAuditListen})
}

// runAuditListen serves one container's filters on SOCKET (its
// linux.seccomp.listenerPath) and exits when the container is gone.
func runAuditListen(_ container.Global, args []string) (int, error) {
	fs := newFlags("audit-listen")
	logPath := fs.String("log", "", "file the JSON lines are appended to (required)")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if fs.NArg() != 1 || *logPath == "" {
		return 1, fmt.Errorf("audit-listen: usage: audit-listen --log FILE SOCKET")
	}
	logf, err := os.OpenFile(*logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return 1, fmt.Errorf("audit log: %w", err)
	}
	defer logf.Close()
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: fs.Arg(0), Net: "unix"})
	if err != nil {
		return 1, fmt.Errorf("audit socket: %w", err)
	}
	if err := os.Chmod(fs.Arg(0), 0o600); err != nil {
		l.Close()
		return 1, fmt.Errorf("audit socket: %w", err)
	}
	sup := &audit.Supervisor{Log: logf, Name: seccomp.SyscallName}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		select {
		case <-sup.Idle():
		case <-stop:
		}
		l.Close()
	}()
	return 0, sup.Serve(l)
}
