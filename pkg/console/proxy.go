package console

import (
	"fmt"
	"io"
	"os"
	"os/signal"

	"golang.org/x/sys/unix"
)

// Proxy copies between the caller's terminal and a container's pty master
// for a foreground `run`, with the caller's terminal in raw mode and window
// size changes forwarded. The returned function restores the terminal and
// waits for the container's output to drain.
//
// Because we relay the pty's output to a caller who is not a terminal
// emulator (a pipe, a log, or a raw terminal), ONLCR is cleared on the pty
// so a line ends in "\n" as the program wrote it, as runc does when it
// proxies (tty.go recvtty). A console-socket receiver gets the pty with
// the kernel's default (ONLCR set), as from runc.
func Proxy(master *os.File) (restore func()) {
	// The init cleared it already (before the process could write); again
	// here for a pty minirun did not set up.
	_ = ClearONLCR(master)
	in := int(os.Stdin.Fd())
	old, err := unix.IoctlGetTermios(in, unix.TCGETS)
	isTTY := err == nil
	if isTTY {
		raw := *old
		raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
		raw.Oflag &^= unix.OPOST
		raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		raw.Cflag &^= unix.CSIZE | unix.PARENB
		raw.Cflag |= unix.CS8
		unix.IoctlSetTermios(in, unix.TCSETS, &raw)
		copySize(master)
	}
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, unix.SIGWINCH)
	go func() {
		for range winch {
			copySize(master)
		}
	}()
	go io.Copy(master, os.Stdin)
	done := make(chan struct{})
	go func() {
		io.Copy(os.Stdout, master)
		close(done)
	}()
	return func() {
		<-done
		signal.Stop(winch)
		if isTTY {
			unix.IoctlSetTermios(in, unix.TCSETS, old)
		}
	}
}

func copySize(master *os.File) {
	if ws, err := unix.IoctlGetWinsize(int(os.Stdin.Fd()), unix.TIOCGWINSZ); err == nil {
		unix.IoctlSetWinsize(int(master.Fd()), unix.TIOCSWINSZ, ws)
	}
}

// ClearONLCR turns off the output mapping of "\n" to "\r\n" on a pty;
// either end may be given, as they share one termios.
func ClearONLCR(f *os.File) error {
	t, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		return fmt.Errorf("get termios of %s: %w", f.Name(), err)
	}
	t.Oflag &^= unix.ONLCR
	if err := unix.IoctlSetTermios(int(f.Fd()), unix.TCSETS, t); err != nil {
		return fmt.Errorf("clear onlcr on %s: %w", f.Name(), err)
	}
	return nil
}
