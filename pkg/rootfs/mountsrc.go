package rootfs

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// sourceIsDir tells whether a bind source is a directory: from the mount
// the parent opened when there is one (the init may not be able to stat
// the path at all), else from the path.
func (b *builder) sourceIsDir(i int, m specs.Mount) bool {
	fd, ok := b.sourceFds[i]
	if !ok {
		return isDir(m.Source)
	}
	var st unix.Stat_t
	return unix.Fstat(fd, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR
}

func (b *builder) hasSource(i int) bool {
	_, ok := b.sourceFds[i]
	return ok
}

// attachSource moves the detached mount the parent cloned onto target,
// in place of bind(2) by path, and closes it.
func (b *builder) attachSource(i int, target int) error {
	fd := b.sourceFds[i]
	delete(b.sourceFds, i)
	defer unix.Close(fd)
	if err := unix.MoveMount(fd, "", target, "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return fmt.Errorf("attach source: move_mount: %w", err)
	}
	return nil
}

// closeSources releases the sources no mount used.
func (b *builder) closeSources() {
	for i, fd := range b.sourceFds {
		unix.Close(fd)
		delete(b.sourceFds, i)
	}
}
