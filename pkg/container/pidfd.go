package container

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// runc's payloads next to the pidfd, which its clients may read.
const (
	pidfdInit = "standard" // the container's init (create, run)
	pidfdExec = "setns"    // a process started by exec
)

// dialPidfdSocket connects to --pidfd-socket before the process is
// spawned, so a wrong path fails before anything runs; nil without the flag.
func dialPidfdSocket(path string) (*os.File, error) {
	if path == "" {
		return nil, nil
	}
	conn, err := net.Dial("unix", path)
	if err != nil {
		return nil, fmt.Errorf("--pidfd-socket: %w", err)
	}
	defer conn.Close()
	f, err := conn.(*net.UnixConn).File()
	if err != nil {
		return nil, fmt.Errorf("--pidfd-socket: %w", err)
	}
	return f, nil
}

// sendPidfd sends a pidfd of pid with runc's payload. It runs while the
// process still waits for its config, so the pid cannot have been reused;
// runc sends it from the process itself, to the same effect.
func sendPidfd(sock *os.File, pid int, kind string) error {
	if sock == nil {
		return nil
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return fmt.Errorf("--pidfd-socket: pidfd_open %d: %w", pid, err)
	}
	defer unix.Close(fd)
	if err := unix.Sendmsg(int(sock.Fd()), []byte(kind), unix.UnixRights(fd), nil, 0); err != nil {
		return fmt.Errorf("--pidfd-socket: send pidfd: %w", err)
	}
	return nil
}
