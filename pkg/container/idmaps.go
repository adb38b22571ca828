package container

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/minirun/minirun/pkg/protocol"
	"github.com/minirun/minirun/pkg/userns"
	"golang.org/x/sys/unix"
)

// answerMaps handles the bootstrap's "maps <pid>" request: an unprivileged
// runtime writes the new user namespace's maps itself (newuidmap and
// newgidmap are setuid programs the bootstrap, which runs before Go, does
// not start), then lets the bootstrap release the child. It returns the
// bootstrap's next frame. Any other frame (an error) is passed through.
func answerMaps(sock *os.File, reply []byte, boot protocol.Bootstrap) ([]byte, error) {
	msg := string(reply)
	if !strings.HasPrefix(msg, "maps ") {
		return reply, nil
	}
	pid, err := strconv.Atoi(strings.TrimPrefix(msg, "maps "))
	if err != nil || pid <= 0 {
		// Any answer but "ok" ends the bootstrap, which would otherwise
		// wait for one.
		protocol.WriteFrame(sock, []byte("abort"))
		return nil, fmt.Errorf("bootstrap: unexpected request %q", msg)
	}
	if err := userns.WriteMaps(pid, boot.UIDMappings, boot.GIDMappings); err != nil {
		// Any answer but "ok" ends the bootstrap; the child it cloned is
		// ours (CLONE_PARENT): kill and reap it.
		protocol.WriteFrame(sock, []byte("abort"))
		unix.Kill(pid, unix.SIGKILL)
		var ws unix.WaitStatus
		unix.Wait4(pid, &ws, 0, nil)
		return nil, err
	}
	if err := protocol.WriteFrame(sock, []byte("ok")); err != nil {
		return nil, fmt.Errorf("bootstrap: release child: %w", err)
	}
	return protocol.ReadFrame(sock)
}
