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
	logPath := fs.String("log", "", "file the JSON lines are appended to (required, or --log-fd)")
	logFd := fs.Int("log-fd", -1, "an inherited fd of the log file (what create passes), instead of opening --log")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if fs.NArg() != 1 || (*logPath == "" && *logFd < 0) {
		return 1, fmt.Errorf("audit-listen: usage: audit-listen --log FILE SOCKET")
	}
	var logf *os.File
	var err error
	if *logFd >= 3 {
		logf = os.NewFile(uintptr(*logFd), *logPath)
		syscall.CloseOnExec(*logFd)
	} else if logf, err = audit.OpenLog(*logPath); err != nil {
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
