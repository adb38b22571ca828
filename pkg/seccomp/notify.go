package seccomp

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// SendListener hands the notify fd to the listener over conn, with the
// process state as the message, as runc does; both fds are closed after.
func SendListener(conn, notifyFd int, state []byte) error {
	defer unix.Close(notifyFd)
	defer unix.Close(conn)
	if err := unix.Sendmsg(conn, state, unix.UnixRights(notifyFd), nil, 0); err != nil {
		return fmt.Errorf("seccomp: send notify fd to the listener: %w", err)
	}
	return nil
}
