package rootfs

import (
	"fmt"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// A container without a mount namespace of its own shares the host's
// mount table. As runc (and runtime-tools' linux_ns_itype) expect, the
// config's mounts are still made, under the rootfs and never through the
// image's symlinks; nothing else is: no bind of the rootfs onto itself, no
// propagation change, no pivot_root (the init only chroots). Unlike runc,
// the parent records the targets first and delete removes them, so they do
// not outlive the container on the host.

// MountInHostNamespace makes s's mounts under rootfs in the caller's mount
// namespace and returns an O_PATH fd of the rootfs. Device nodes and /dev
// links are made only when the config mounts /dev (then in that tmpfs, not
// in the image's directory on the host's disk).
func MountInHostNamespace(c Config) (int, error) {
	fd, err := unix.Open(c.Rootfs, unix.O_DIRECTORY|unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open rootfs %s: %w", c.Rootfs, err)
	}
	b := &builder{spec: c.Spec, rootfs: c.Rootfs, root: fd, inUserNS: c.InUserNS, cgroupDirs: c.CgroupDirs, mountLabel: c.MountLabel}
	for i, m := range c.Spec.Mounts {
		if err := b.mountOne(i, m); err != nil {
			unix.Close(fd)
			return -1, err
		}
	}
	if mountsDev(c.Spec) {
		err := b.createDevices()
		if err == nil {
			err = b.createDevSymlinks()
		}
		if err != nil {
			unix.Close(fd)
			return -1, err
		}
	}
	return fd, nil
}

func mountsDev(s *specs.Spec) bool {
	for _, m := range s.Mounts {
		if filepath.Clean(m.Destination) == "/dev" && !isBind(m) {
			return true
		}
	}
	return false
}

// HostNamespaceTargets are the mount destinations that MountInHostNamespace
// would use, in order, for the record delete undoes.
func HostNamespaceTargets(s *specs.Spec) []string {
	var out []string
	for _, m := range s.Mounts {
		out = append(out, filepath.Clean("/"+m.Destination))
	}
	return out
}

// maxStacked bounds how many mounts one target can have stacked on it.
const maxStacked = 16

// UnmountHostNamespace removes the mounts made on targets under rootfs,
// last first, each resolved inside the rootfs as when it was made (a link
// the container planted since can only lead to another place inside it).
// A target that is not (or no longer) a mount point is skipped.
func UnmountHostNamespace(rootfs string, targets []string) error {
	root, err := unix.Open(rootfs, unix.O_DIRECTORY|unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("unmount the container's mounts: open rootfs: %w", err)
	}
	defer unix.Close(root)
	var first error
	for i := len(targets) - 1; i >= 0; i-- {
		for n := 0; n < maxStacked; n++ {
			fd, err := openInRoot(root, targets[i], 0)
			if err != nil {
				break
			}
			err = unix.Unmount(fdPath(fd), unix.MNT_DETACH)
			unix.Close(fd)
			if err == unix.EINVAL { // not a mount point
				break
			}
			if err != nil {
				if first == nil {
					first = fmt.Errorf("unmount %s: %w", targets[i], err)
				}
				break
			}
		}
	}
	return first
}
