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
)

// Start releases a created container's init to exec the user process.
func Start(g Global, id string) error {
	return withLock(g.Root, id, func() error { return start(g, id) })
}

func start(g Global, id string) error {
	l, err := load(g.Root, id)
	if err != nil {
		return err
	}
	return timedOut(l.start())
}

func (l *loaded) start() error {
	switch s := l.status(); s {
	case "created":
	case "stopped":
		return fmt.Errorf("cannot start a container that has stopped")
	case "running":
		return fmt.Errorf("cannot start an already running container")
	default:
		return fmt.Errorf("cannot start a container in the %s state", s)
	}
	conn, err := dialStart(l.st.Dir())
	if err != nil {
		return fmt.Errorf("container not running: %w", err)
	}
	defer conn.Close()
	// Bounded: a frozen init would never answer (startContainer hooks
	// run in it before the exec).
	spec, _ := l.st.Config()
	conn.SetDeadline(time.Now().Add(stepBound(startContainerHooks(spec))))
	msg := protocol.HookState{Message: protocol.Message{Kind: protocol.KindStart}, State: l.st.SpecStateJSON("created")}
	if err := protocol.Send(conn, msg); err != nil {
		return fmt.Errorf("signal start: %w", err)
	}
	// The init's end is close-on-exec: EOF means the exec happened.
	var reply protocol.Message
	if err := protocol.Recv(conn, &reply); !errors.Is(err, protocol.ErrClosed) {
		if err == nil {
			err = errors.New(reply.Error)
		}
		return fmt.Errorf("start container: %w", err)
	}
	l.st.Started = true
	if err := l.st.Save(); err != nil {
		return err
	}
	l.poststart()
	return nil
}

// poststart hook failures are warnings: the container is already running.
func (l *loaded) poststart() {
	spec, err := l.st.Config()
	if err != nil || spec.Hooks == nil {
		return
	}
	hooks.Poststart.RunEach(spec.Hooks.Poststart, l.st.SpecStateJSON("running"), hooks.Context{Dir: l.st.Bundle}, func(err error) { logs.Warnf("%v", err) })
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
