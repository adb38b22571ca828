// Package initproc owns the child side: the sequence that runs inside the
// container's namespaces after the pre-Go bootstrap, for a new container
// (create) and for a process joining one (exec), ending in execve(2).
// Everything here runs on the main thread, locked by the caller, because
// credentials, capabilities, seccomp and LSM labels are per-thread.
package initproc

import (
	"fmt"
	"os"
	"strconv"

	"github.com/minirun/minirun/pkg/caps"
	"github.com/minirun/minirun/pkg/logs"
	"github.com/minirun/minirun/pkg/protocol"
	"golang.org/x/sys/unix"
)

// Main is `minirun init`: it reads its config from the bootstrap socket,
// runs the matching sequence, and reports a failure to the parent. It only
// returns on failure.
func Main() error {
	fdStr := os.Getenv(protocol.BootstrapEnv)
	fd, err := strconv.Atoi(fdStr)
	if err != nil || fd < 3 {
		return fmt.Errorf("init: must be started by minirun (%s=%q)", protocol.BootstrapEnv, fdStr)
	}
	// Because the runtime's descriptors must never survive into the
	// container's process (CVE-2024-21626), each is close-on-exec from now.
	unix.CloseOnExec(fd)
	sock := os.NewFile(uintptr(fd), "init-sock")
	// Because the parent can only report what reaches it: every failure,
	// the early ones too, goes back over the socket.
	err = run(sock)
	protocol.SendError(sock, err)
	return err
}

func run(sock *os.File) error {
	if err := caps.Warm(); err != nil {
		return fmt.Errorf("init: read last capability: %w", err)
	}
	var c protocol.Config
	if err := protocol.Recv(sock, &c); err != nil {
		return fmt.Errorf("init: read config: %w", err)
	}
	for _, f := range []int{c.Fds.Console, c.Fds.Start} {
		if f >= 0 {
			unix.CloseOnExec(f)
		}
	}
	if c.Fds.Log >= 3 {
		unix.CloseOnExec(c.Fds.Log)
		// Under --debug: what the init logs reaches the runtime's log.
		logs.ToPipe(os.NewFile(uintptr(c.Fds.Log), "init-log"), true)
		logs.Debugf("config received (%s)", map[bool]string{true: "exec", false: "create"}[c.Exec])
	}
	if c.Exec {
		return execSequence(&c, sock)
	}
	return createSequence(&c, sock)
}
