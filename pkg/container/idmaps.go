package container

import (
	"fmt"
	"os"

	"github.com/minirun/minirun/pkg/protocol"
	"github.com/minirun/minirun/pkg/userns"
	"golang.org/x/sys/unix"
)

// answerMaps handles the bootstrap's maps request for pid: an
// unprivileged runtime writes the new user namespace's maps itself
// (newuidmap and newgidmap are setuid programs the bootstrap, which runs
// before Go, does not start), then lets the bootstrap release the child.
// It returns the bootstrap's next reply.
func answerMaps(sock *os.File, pid int, boot protocol.Bootstrap) (protocol.BootReply, error) {
	if err := userns.WriteMaps(pid, boot.UIDMappings, boot.GIDMappings); err != nil {
		// Any answer but maps-ok ends the bootstrap, which would otherwise
		// wait for one; the child it cloned is ours (CLONE_PARENT): kill
		// and reap it.
		protocol.WriteFrame(sock, protocol.MapsAnswer(false))
		unix.Kill(pid, unix.SIGKILL)
		var ws unix.WaitStatus
		unix.Wait4(pid, &ws, 0, nil)
		return protocol.BootReply{}, err
	}
	if err := protocol.WriteFrame(sock, protocol.MapsAnswer(true)); err != nil {
		return protocol.BootReply{}, fmt.Errorf("bootstrap: release child: %w", err)
	}
	return readBootReply(sock)
}

// readBootReply reads one reply of the bootstrap; the caller's deadline
// on sock bounds it.
func readBootReply(sock *os.File) (protocol.BootReply, error) {
	body, err := protocol.ReadFrameMax(sock, protocol.MaxBootReply)
	if err != nil {
		return protocol.BootReply{}, err
	}
	r, err := protocol.DecodeBootReply(body)
	if err != nil {
		// A garbled reply may be a maps request: the abort ends a
		// bootstrap waiting for an answer now, not at the watchdog.
		protocol.WriteFrame(sock, protocol.MapsAnswer(false))
		return r, badReply{err}
	}
	return r, nil
}

// badReply is a reply that came but did not decode: the bootstrap's exit
// status that follows would say less than the reply's fault.
type badReply struct{ error }
