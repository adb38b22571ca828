package container

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/minirun/minirun/pkg/hooks"
	"github.com/minirun/minirun/pkg/logs"
	"github.com/minirun/minirun/pkg/protocol"
	"github.com/minirun/minirun/pkg/state"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Start releases a created container's init to exec the user process.
// With NOTIFY_SOCKET it then waits, outside the container's lock, for the
// container's READY=1: a container that never says it must not keep kill
// and delete waiting for the lock.
func Start(g Global, id string) error {
	var relay *sdRelay
	var st *state.Container
	err := withLock(g.Root, id, func() error {
		l, err := load(g.Root, id)
		if err != nil {
			return err
		}
		st = l.st
		relay, err = l.start()
		return timedOut(err)
	})
	if err != nil || relay == nil {
		return err
	}
	return relay.wait(st)
}

// start releases the init and runs the poststart hooks; it returns the
// NOTIFY_SOCKET relay, if any, for the caller to wait on.
func (l *loaded) start() (relay *sdRelay, err error) {
	if err := checkStart(l.st.Status()); err != nil {
		return nil, err
	}
	relay, err = listenSdNotify(l.st)
	if err != nil {
		return nil, err
	}
	if r := relay; r != nil {
		defer func() {
			if err != nil {
				r.conn.Close()
			}
		}()
	}
	conn, err := dialStart(l.st.Dir())
	if err != nil {
		return nil, fmt.Errorf("container not running: %w", err)
	}
	defer conn.Close()
	// Bounded: a frozen init would never answer (startContainer hooks
	// run in it before the exec).
	spec, specErr := l.st.LifecycleConfig() // read once: the bound and the poststart hooks
	conn.SetDeadline(time.Now().Add(stepBound(startContainerHooks(spec))))
	msg := protocol.HookState{Message: protocol.Message{Kind: protocol.KindStart}, State: l.st.SpecStateJSON("created")}
	if err := protocol.Send(conn, msg); err != nil {
		return nil, fmt.Errorf("signal start: %w", err)
	}
	// The init's end is close-on-exec: EOF means the exec happened.
	var reply protocol.Message
	if err := protocol.Recv(conn, &reply); !errors.Is(err, protocol.ErrClosed) {
		if err == nil {
			return nil, &processNotStarted{msg: reply.Error}
		}
		return nil, fmt.Errorf("start container: %w", err)
	}
	l.st.Started = true
	if err := l.st.Save(); err != nil {
		return nil, err
	}
	if specErr != nil {
		return nil, fmt.Errorf("read config for poststart hooks: %w", specErr)
	}
	if err := l.poststart(spec); err != nil {
		return nil, err
	}
	return relay, nil
}

// poststart runs the poststart hooks; a failure stops the container, as
// the runtime-spec lifecycle (step 9) and runc do, and start fails.
func (l *loaded) poststart(spec *specs.Spec) error {
	if spec.Hooks == nil {
		return nil
	}
	if err := hooks.Poststart.Run(spec.Hooks.Poststart, l.st.StartedStateJSON(), hooks.Context{Dir: l.st.Bundle}); err != nil {
		if kerr := l.killAndWait(); kerr != nil {
			logs.Warnf("stop the container after a failed poststart hook: %v", kerr)
		}
		return err
	}
	return nil
}

func dialStart(dir string) (*net.UnixConn, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	addr := fmt.Sprintf("/proc/self/fd/%d/%s", d.Fd(), state.StartSock)
	return net.DialUnix("unix", nil, &net.UnixAddr{Name: addr, Net: "unix"})
}
