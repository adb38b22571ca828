package container

import (
	"errors"

	"github.com/minirun/minirun/pkg/console"
	"github.com/minirun/minirun/pkg/logs"
	"golang.org/x/sys/unix"
)

// RunOptions are create's plus run's own flags.
type RunOptions struct {
	CreateOptions
	Detach bool
	Keep   bool // keep the stopped container instead of deleting it
}

// Run creates and starts a container; in the foreground it forwards
// signals, waits, deletes the container (unless Keep) and returns the
// exit status (128+N for signal N).
func Run(g Global, o RunOptions) (int, error) {
	o.Foreground = !o.Detach
	sigs := catchSignals()
	defer sigs.stop()
	c, err := lockedCreate(g, o.CreateOptions)
	if err != nil {
		return 1, err
	}
	l := &loaded{st: c.st}
	var restore func()
	if c.console != nil {
		master, err := console.RecvFd(c.console, childWait)
		c.console.Close()
		if err != nil {
			l.killAndWait()
			l.destroy()
			return 1, err
		}
		restore = console.Proxy(master)
	}
	sigs.forwardTo(c.pid)
	relay, err := l.start()
	c.logs.drain() // the init has exec'd (or failed): it says nothing more
	if err == nil && relay != nil {
		err = relay.wait(l.st)
	}
	if err != nil {
		var notStarted *processNotStarted
		if errors.As(err, &notStarted) {
			return l.afterFailedStart(c.pid, restore), nil
		}
		l.killAndWait()
		l.destroy()
		return 1, err
	}
	if o.Detach {
		return 0, nil
	}
	code := waitExit(c.pid)
	if restore != nil {
		restore()
	}
	if !o.Keep {
		if err := withLock(g.Root, o.ID, l.destroy); err != nil {
			logs.Warnf("delete after run: %v", err)
		}
	}
	return code, nil
}

// waitExit reaps pid (a child of ours through CLONE_PARENT) and converts
// its status the way shells do.
func waitExit(pid int) int {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 255
		}
		break
	}
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}
