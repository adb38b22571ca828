package container

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrNotRunning keeps runc's phrase, which containerd treats as benign on kill.
var ErrNotRunning = errors.New("container not running")

// ParseSignal accepts "KILL", "SIGKILL", "kill" or a number.
func ParseSignal(s string) (unix.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 || n > 64 {
			return 0, fmt.Errorf("invalid signal number %d", n)
		}
		return unix.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("unknown signal %q", s)
}

// Kill sends sig to the container's init, or with all to every process in its cgroup.
func Kill(g Global, id string, sig unix.Signal, all bool) error {
	l, err := load(g.Root, id)
	if err != nil {
		return err
	}
	if st := l.status(); st == "stopped" || st == "creating" {
		return ErrNotRunning
	}
	if all {
		return l.signalAll(sig)
	}
	return l.signalInit(sig)
}

// signalInit uses a pidfd checked against the saved start time, so a
// recycled pid is never signalled.
func (l *loaded) signalInit(sig unix.Signal) error {
	pidfd, err := unix.PidfdOpen(l.st.Pid, 0)
	if err != nil {
		return ErrNotRunning
	}
	defer unix.Close(pidfd)
	if !l.st.Alive() {
		return ErrNotRunning
	}
	if err := unix.PidfdSendSignal(pidfd, sig, nil, 0); err != nil {
		if errors.Is(err, unix.ESRCH) {
			return ErrNotRunning
		}
		return fmt.Errorf("signal init: %w", err)
	}
	return nil
}

func (l *loaded) signalAll(sig unix.Signal) error {
	if !l.ownsCgroup() {
		return l.signalInit(sig)
	}
	pids, err := l.cg.Pids()
	if err != nil {
		return err
	}
	for _, p := range pids {
		unix.Kill(p, sig)
	}
	// A frozen process only dies once thawed.
	if sig == unix.SIGKILL && l.cg.Frozen() {
		return l.cg.Freeze(false)
	}
	return nil
}
