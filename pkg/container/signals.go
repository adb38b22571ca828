package container

import (
	"os"
	"os/signal"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// signalRelay forwards what minirun receives to the container's process:
// run, and exec in the foreground, as runc. Catching every signal costs
// 4-10 ms here, because the Go runtime enables each one through a round
// trip with its signal thread; done after the spawn, that was in the
// measured time of every run and exec. So the relay starts catching
// first, in the background, and create or the spawn goes on meanwhile.
// A signal that arrives before there is a process to forward it to gets
// its default action, as it did when nothing caught it yet (a stop signal
// then is dropped instead: stopping would need the catch undone and redone).
type signalRelay struct {
	ch     chan os.Signal
	caught chan struct{} // closed once every signal is caught
	pid    atomic.Int64  // 0 until forwardTo
}

// catchSignals starts catching every signal, in the background.
func catchSignals() *signalRelay {
	r := &signalRelay{ch: make(chan os.Signal, 32), caught: make(chan struct{})}
	go func() {
		signal.Notify(r.ch)
		close(r.caught)
	}()
	go r.relay()
	return r
}

// forwardTo sends what is caught, from now on, to pid.
func (r *signalRelay) forwardTo(pid int) { r.pid.Store(int64(pid)) }

// stop ends the catching; the default actions apply again.
func (r *signalRelay) stop() {
	<-r.caught
	signal.Stop(r.ch)
}

func (r *signalRelay) relay() {
	for s := range r.ch {
		sig := s.(unix.Signal)
		pid := int(r.pid.Load())
		switch {
		case !forwarded(sig):
		case pid != 0:
			unix.Kill(pid, sig)
		case !stops(sig):
			signal.Reset(sig)
			unix.Kill(os.Getpid(), sig)
		}
	}
}

// forwarded: what is about minirun's own terminal, children or runtime
// stays here (SIGURG is the Go scheduler's preemption).
func forwarded(sig unix.Signal) bool {
	return sig != unix.SIGCHLD && sig != unix.SIGWINCH && sig != unix.SIGURG && sig != unix.SIGPIPE
}

func stops(sig unix.Signal) bool {
	return sig == unix.SIGTSTP || sig == unix.SIGTTIN || sig == unix.SIGTTOU
}
