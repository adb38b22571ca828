package rootfs

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// CreateCwd makes the process's cwd inside root when it is missing, as
// runc does (0755, as the container's root, before the user switch and the
// read-only root): images rarely ship the WORKDIR an orchestrator sets.
// Each component is resolved in root, so an image's symlink cannot place
// the directory on the host.
func CreateCwd(root int, cwd string) error {
	if cwd == "" {
		return nil
	}
	fd, err := mkdirAllInRoot(root, cwd, 0o755)
	if errors.Is(err, unix.EACCES) {
		// Root cannot look inside a directory on the way; the user may
		// (the init tries the cwd again after the user switch). runc fails
		// here, for no reason the user could act on.
		return nil
	}
	if err != nil {
		return fmt.Errorf("process.cwd %s: %w", cwd, err)
	}
	unix.Close(fd)
	return nil
}
