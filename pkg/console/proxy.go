package console

import (
	"io"
	"os"
	"os/signal"

	"golang.org/x/sys/unix"
)

// Proxy copies between the caller's terminal and a container's pty master
// for a foreground `run`, with the caller's terminal in raw mode and window
// size changes forwarded. The returned function restores the terminal and
// waits for the container's output to drain.
func Proxy(master *os.File) (restore func()) {
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
