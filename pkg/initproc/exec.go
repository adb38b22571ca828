package initproc

import (
	"fmt"
	"os"

	"github.com/minirun/minirun/pkg/console"
	"github.com/minirun/minirun/pkg/protocol"
	"golang.org/x/sys/unix"
)

// execSequence runs a new process in a running container whose namespaces
// the bootstrap already joined.
func execSequence(c *protocol.Config, sock *os.File) error {
	// execCPUAffinity.initial covers the runtime's work here; the final
	// one is set for the process just before its security settings.
	if err := setInitialAffinity(c); err != nil {
		return err
	}
	lsm, err := openLSM(c.Spec.Process)
	if err != nil {
		return err
	}
	defer lsm.Close()
	root, err := unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open container root: %w", err)
	}
	pty, err := setupConsole(c, root)
	unix.Close(root)
	if err != nil {
		return err
	}
	if pty != nil {
		if err := console.SetControlling(pty); err != nil {
			return err
		}
		pty.Close()
	}
	p, err := prepareProcess(c, lsm)
	if err != nil {
		return err
	}
	if err := protocol.Send(sock, protocol.Message{Kind: protocol.KindReady}); err != nil {
		return fmt.Errorf("report ready: %w", err)
	}
	return p.exec()
}
