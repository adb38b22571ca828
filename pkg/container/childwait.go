package container

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/minirun/minirun/pkg/fault"
	"github.com/minirun/minirun/pkg/protocol"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Every wait on a child is bounded twice: by EOF, because the runtime
// keeps no copy of the child's socket end, so a child that dies closes
// the connection; and by a deadline, because a frozen or stopped child
// holds it open forever.
//
// childWait bounds a step where only minirun's own code runs in the child
// (bootstrap, mounts, exec). It is generous: a loaded host, a slow rootfs.
const childWait = 60 * time.Second

// hookWait is what a hook without a timeout adds to the bound of the
// step that runs it in the child (createContainer, startContainer).
const hookWait = 10 * time.Minute

// stepBound is childWait plus the time the hooks may take.
func stepBound(hs []specs.Hook) time.Duration {
	d := childWait
	for _, h := range hs {
		if h.Timeout != nil {
			d += time.Duration(*h.Timeout) * time.Second
		} else {
			d += hookWait
		}
	}
	return fault.Bound(d)
}

// expect waits at most d for the child's next message of kind.
func (c *child) expect(kind string, d time.Duration) error {
	c.sock.SetDeadline(time.Now().Add(d))
	return c.explain(protocol.Expect(c.sock, kind), d)
}

// send writes v to the child, at most d blocked on a child not reading.
func (c *child) send(v protocol.Outgoing, d time.Duration) error {
	c.sock.SetDeadline(time.Now().Add(d))
	return c.explain(protocol.Send(c.sock, v), d)
}

// explain turns a timeout or an EOF into what happened to the child.
func (c *child) explain(err error, d time.Duration) error {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("the container's process (pid %d) did not answer within %v: stopped or frozen?", c.pid, d)
	case errors.Is(err, protocol.ErrClosed), errors.Is(err, unix.EPIPE), errors.Is(err, unix.ECONNRESET):
		return fmt.Errorf("the container's process (pid %d) %s before it reported", c.pid, c.reapBriefly())
	}
	return err
}

// reapBriefly reaps the child (ours through CLONE_PARENT) if it exits
// within a moment, and says how it ended. Once reaped its pid may be
// reused, so kill then leaves it alone.
func (c *child) reapBriefly() string {
	for i := 0; i < 50; i++ {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(c.pid, &ws, unix.WNOHANG, nil)
		if err != nil && err != unix.EINTR {
			return "exited"
		}
		if pid == c.pid {
			c.reaped = true
			if ws.Signaled() {
				return fmt.Sprintf("was killed by signal %v", ws.Signal())
			}
			return fmt.Sprintf("exited with status %d", ws.ExitStatus())
		}
		time.Sleep(2 * time.Millisecond)
	}
	return "closed its socket"
}

// bootstrapFailed says why the bootstrap's reply did not come: the
// timeout, or how the process ended.
func bootstrapFailed(err, werr error, d time.Duration) error {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("bootstrap process did not answer within %v: stopped or frozen?", d)
	case werr != nil:
		return fmt.Errorf("bootstrap process died before it answered: %w", werr)
	}
	return fmt.Errorf("read bootstrap reply: %w", err)
}

// watchdog kills cmd if it still runs after d; call the result to stop it.
func watchdog(cmd *exec.Cmd, d time.Duration) (stop func()) {
	t := time.AfterFunc(d, func() { cmd.Process.Kill() })
	return func() { t.Stop() }
}

// timedOut names a start that ran into its deadline.
func timedOut(err error) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("%w: the container init did not answer in time: stopped or frozen?", err)
	}
	return err
}

func createContainerHooks(s *specs.Spec) []specs.Hook {
	if s.Hooks == nil {
		return nil
	}
	return s.Hooks.CreateContainer
}

func startContainerHooks(s *specs.Spec) []specs.Hook {
	if s == nil || s.Hooks == nil {
		return nil
	}
	return s.Hooks.StartContainer
}
