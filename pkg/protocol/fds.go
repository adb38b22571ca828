package protocol

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// SendFds is message 3b: fds as SCM_RIGHTS on a single byte. It follows a
// frame that was read with exact reads, so the byte cannot be taken as
// part of one.
func SendFds(sock *os.File, fds []int) error {
	if err := unix.Sendmsg(int(sock.Fd()), []byte{'F'}, unix.UnixRights(fds...), nil, 0); err != nil {
		return fmt.Errorf("send %d fds: %w", len(fds), err)
	}
	return nil
}

// RecvFds receives exactly n fds sent by SendFds, close-on-exec.
func RecvFds(sock *os.File, n int) ([]int, error) {
	buf, oob := make([]byte, 1), make([]byte, unix.CmsgSpace(4*n))
	_, oobn, flags, _, err := unix.Recvmsg(int(sock.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("receive fds: %w", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil {
		return nil, fmt.Errorf("receive fds: %w", err)
	}
	var fds []int
	for i := range msgs {
		got, err := unix.ParseUnixRights(&msgs[i])
		if err == nil {
			fds = append(fds, got...)
		}
	}
	if len(fds) != n || flags&unix.MSG_CTRUNC != 0 {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return nil, fmt.Errorf("receive fds: got %d, want %d", len(fds), n)
	}
	return fds, nil
}
