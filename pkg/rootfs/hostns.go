package rootfs

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// A container without a mount namespace of its own shares the host's
// mount table. As runc (and runtime-tools' linux_ns_itype) expect, the
// config's mounts are still made, under the rootfs and never through the
// image's symlinks; nothing else is: no bind of the rootfs onto itself, no
// propagation change, no pivot_root (the init only chroots). Unlike runc,
// the parent records which mounts are the container's (by mount id, never
// by a path the container could redirect) and delete removes exactly those.

// MountInHostNamespace makes s's mounts under rootfs in the caller's mount
// namespace and returns an O_PATH fd of the rootfs. Device nodes and /dev
// links are made only when the config mounts /dev (then in that tmpfs, not
// in the image's directory on the host's disk).
func MountInHostNamespace(c Config) (int, error) {
	fd, err := unix.Open(c.Rootfs, unix.O_DIRECTORY|unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open rootfs %s: %w", c.Rootfs, err)
	}
	b := &builder{spec: c.Spec, rootfs: c.Rootfs, root: fd, inUserNS: c.InUserNS, cgroupDirs: c.CgroupDirs,
		mountLabel: c.MountLabel, sourceFds: c.SourceFds}
	err = b.mountAll()
	if err == nil && mountsDev(c.Spec) {
		if err = b.createDevices(); err == nil {
			err = b.createDevSymlinks()
		}
	}
	if err == nil {
		err = b.applyLateReadonly()
	}
	b.closeSources()
	if err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

func (b *builder) mountAll() error {
	for i, m := range b.spec.Mounts {
		if err := b.mountOne(i, m); err != nil {
			return err
		}
	}
	return nil
}

func mountsDev(s *specs.Spec) bool {
	for _, m := range s.Mounts {
		if filepath.Clean(m.Destination) == "/dev" && !isBind(m) {
			return true
		}
	}
	return false
}

// MountsBelow lists the ids of the mounts whose mount point is strictly
// below rootfs, for the parent's record before and after the init mounts.
func MountsBelow(rootfs string) ([]int, error) {
	entries, err := mountsBelow(rootfs)
	var ids []int
	for _, e := range entries {
		ids = append(ids, e.id)
	}
	return ids, err
}

func mountsBelow(rootfs string) ([]mountInfo, error) {
	mounts, err := readMountinfo("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	prefix := strings.TrimSuffix(rootfs, "/") + "/"
	var out []mountInfo
	for _, m := range mounts {
		if strings.HasPrefix(m.point, prefix) {
			out = append(out, m)
		}
	}
	return out, nil
}

// UnmountHostMounts removes the mounts with the given ids, deepest first,
// each only while it is still mounted below rootfs: its mount point is
// opened without following any symlink, and unmounted only if the mount
// there is the root of the mount with that id (statx STATX_MNT_ID and
// STATX_ATTR_MOUNT_ROOT), so nothing the container moved or planted can
// turn it onto another mount.
func UnmountHostMounts(rootfs string, ids []int) error {
	want := map[int]bool{}
	for _, id := range ids {
		want[id] = true
	}
	entries, err := mountsBelow(rootfs)
	if err != nil {
		return fmt.Errorf("unmount the container's mounts: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return len(entries[i].point) > len(entries[j].point) })
	var first error
	for _, e := range entries {
		if !want[e.id] {
			continue
		}
		if err := unmountByID(e); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func unmountByID(e mountInfo) error {
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC | unix.O_NOFOLLOW,
		Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS}
	fd, err := unix.Openat2(unix.AT_FDCWD, e.point, &how)
	if err != nil {
		return nil // moved or gone: not reachable without a link, left alone
	}
	defer unix.Close(fd)
	var stx unix.Statx_t
	if err := unix.Statx(fd, "", unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW, unix.STATX_MNT_ID, &stx); err != nil {
		return fmt.Errorf("unmount %s: statx: %w", e.point, err)
	}
	if int(stx.Mnt_id) != e.id || stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT == 0 {
		return nil // another mount there now: not ours to remove
	}
	if err := unix.Unmount(fdPath(fd), unix.MNT_DETACH); err != nil {
		return fmt.Errorf("unmount %s: %w", e.point, err)
	}
	return nil
}
