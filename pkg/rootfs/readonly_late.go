package rootfs

import (
	"fmt"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// laterReadonly returns the options a tmpfs or /dev mount is made with:
// writable when the config wants it read-only, with the destination kept
// for applyLateReadonly. Because the mounts below it (/dev/pts,
// /dev/mqueue, device nodes, /dev symlinks) need their targets created in
// it, runc makes these read-only only after every mount (finalizeRootfs);
// podman --read-only sends such a /dev.
func (b *builder) laterReadonly(m specs.Mount, o mountOpts) mountOpts {
	if o.flags&unix.MS_RDONLY == 0 || (m.Type != "tmpfs" && filepath.Clean(m.Destination) != "/dev") {
		return o
	}
	b.lateReadonly = append(b.lateReadonly, m.Destination)
	o.flags &^= unix.MS_RDONLY
	return o
}

// applyLateReadonly makes the mounts laterReadonly held back read-only.
// Only that mount changes (mount_setattr without AT_RECURSIVE): /dev/pts
// under a read-only /dev keeps its own flags, as in runc.
func (b *builder) applyLateReadonly() error {
	for _, dest := range b.lateReadonly {
		fd, err := openInRoot(b.root, dest, 0)
		if err != nil {
			return fmt.Errorf("read-only %s: %w", dest, err)
		}
		attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}
		err = unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH, &attr)
		unix.Close(fd)
		if err != nil {
			return fmt.Errorf("read-only %s: mount_setattr: %w", dest, err)
		}
	}
	return nil
}
