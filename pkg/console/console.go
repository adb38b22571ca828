// Package console owns container terminals: allocating a pty inside the
// container, passing its master over a --console-socket exactly as runc does
// (SCM_RIGHTS, the file name as payload), and proxying it for `run`.
package console

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// OpenPty turns an opened ptmx into a pty pair. The peer is opened with
// TIOCGPTPEER rather than by path, so a hostile /dev/pts entry cannot stand
// in for it.
func OpenPty(ptmx *os.File) (master, slave *os.File, err error) {
	fd := int(ptmx.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		return nil, nil, fmt.Errorf("unlock pty: %w", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not a pty multiplexer: %w", ptmx.Name(), err)
	}
	sfd, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.TIOCGPTPEER, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC)
	if errno != 0 {
		return nil, nil, fmt.Errorf("open pty peer: %w", errno)
	}
	return os.NewFile(uintptr(fd), "/dev/ptmx"), os.NewFile(sfd, fmt.Sprintf("/dev/pts/%d", n)), nil
}

// OpenPtyAs is OpenPty with the peer owned by uid, the container process's
// user, so a non-root process can use its own terminal (runc's
// fixStdioPermissions; tty.bats "tty owner"). The group is left to the
// devpts mount's gid= option (5, tty, in the default config), as runc
// does. uid is in the caller's user namespace, the container's.
func OpenPtyAs(ptmx *os.File, uid int) (master, slave *os.File, err error) {
	master, slave, err = OpenPty(ptmx)
	if err != nil {
		return nil, nil, err
	}
	if err := SetOwner(slave, uid); err != nil {
		master.Close()
		slave.Close()
		return nil, nil, err
	}
	return master, slave, nil
}

// SetOwner makes uid the owner of an open terminal. EPERM (the current
// owner is not mapped in our user namespace) and EROFS (a read-only /dev)
// leave it as it is, as runc does: the process can still write to it.
func SetOwner(tty *os.File, uid int) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(tty.Fd()), &st); err != nil {
		return fmt.Errorf("fstat %s: %w", tty.Name(), err)
	}
	if int(st.Uid) == uid {
		return nil
	}
	if err := unix.Fchown(int(tty.Fd()), uid, -1); err != nil && err != unix.EPERM && err != unix.EROFS {
		return fmt.Errorf("chown %s to uid %d: %w", tty.Name(), uid, err)
	}
	return nil
}

// SendFd sends f over a unix socket with its name as the payload.
func SendFd(sock *os.File, f *os.File) error {
	rights := unix.UnixRights(int(f.Fd()))
	if err := unix.Sendmsg(int(sock.Fd()), []byte(f.Name()), rights, nil, 0); err != nil {
		return fmt.Errorf("send fd over console socket: %w", err)
	}
	return nil
}

// RecvFd receives one fd sent by SendFd, waiting at most within for it:
// a child that never sends must not hang the runtime.
func RecvFd(sock *os.File, within time.Duration) (*os.File, error) {
	fds := []unix.PollFd{{Fd: int32(sock.Fd()), Events: unix.POLLIN}}
	deadline := time.Now().Add(within)
	for {
		// Never negative: poll(2) takes that as no timeout.
		n, err := unix.Poll(fds, int(max(time.Until(deadline).Milliseconds(), 0)))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("receive fd: poll: %w", err)
		}
		if n == 0 {
			return nil, fmt.Errorf("receive fd: nothing sent within %v", within)
		}
		break
	}
	return recvFd(sock)
}

func recvFd(sock *os.File) (*os.File, error) {
	name := make([]byte, 4096)
	oob := make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := unix.Recvmsg(int(sock.Fd()), name, oob, unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("receive fd: %w", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return nil, fmt.Errorf("receive fd: no control message")
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return nil, fmt.Errorf("receive fd: want one fd, got %d", len(fds))
	}
	return os.NewFile(uintptr(fds[0]), string(name[:n])), nil
}

// SetControlling makes the pty peer the calling process's stdio and
// controlling terminal, in a new session.
func SetControlling(slave *os.File) error {
	if _, err := unix.Setsid(); err != nil {
		return fmt.Errorf("setsid: %w", err)
	}
	if err := unix.IoctlSetInt(int(slave.Fd()), unix.TIOCSCTTY, 0); err != nil {
		return fmt.Errorf("set controlling terminal: %w", err)
	}
	for fd := 0; fd < 3; fd++ {
		if err := unix.Dup3(int(slave.Fd()), fd, 0); err != nil {
			return fmt.Errorf("dup pty to fd %d: %w", fd, err)
		}
	}
	return nil
}

// SetSize sets a terminal's window size.
func SetSize(f *os.File, rows, cols uint16) error {
	return unix.IoctlSetWinsize(int(f.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: rows, Col: cols})
}
