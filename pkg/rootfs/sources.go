package rootfs

import (
	"fmt"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// OpenSources is the parent's half of bind mounts into a user namespace
// (runc's mount sources): the container's mapped root may not reach a host
// path the runtime can (a 0700 volume directory), so each bind source
// outside the rootfs is cloned here, outside the user namespace, with
// open_tree(2); the init attaches a tree with move_mount(2) where it cannot
// stat the source itself. It returns the trees in order and, for each, the
// index of its mount.
// Sources under the rootfs stay the init's (resolved inside root).
// Idmapped binds are made here as idmapped trees, which the init always
// attaches.
//
// A tree cloned here, outside the container's mount namespace, carries no
// kernel lock on its flags (mount_namespaces(7) locks what a less
// privileged namespace copies): a container with CAP_SYS_ADMIN in its user
// namespace could remount it read-write, suid or exec, or unmount a
// submount to see what the host covered. So for such a container nothing
// is cloned here: plain binds are made by the init (inside, where the
// locks hold) and idmapped ones are refused.
func OpenSources(s *specs.Spec, rootfs string) ([]*os.File, []int, error) {
	var files []*os.File
	var index []int
	admin := mayAdminMounts(s)
	for i, m := range s.Mounts {
		if !isBind(m) {
			continue
		}
		if _, inside := sourceInRootfs(rootfs, m.Source); inside {
			continue
		}
		if admin {
			if idmapped(m) {
				return nil, nil, fmt.Errorf("mounts[%d] %s: an idmapped mount in a user namespace whose processes may hold CAP_SYS_ADMIN (process.capabilities.bounding) is refused: the container could change its flags", i, m.Destination)
			}
			continue
		}
		if idmapped(m) {
			// The init cannot idmap a host filesystem from inside its
			// user namespace: the tree is made here, always used.
			fd, err := idmappedTree(m, parseOptions(m.Options))
			if err != nil {
				for _, f := range files {
					f.Close()
				}
				return nil, nil, fmt.Errorf("mounts[%d] %s: %w", i, m.Destination, err)
			}
			files = append(files, os.NewFile(uintptr(fd), m.Source))
			index = append(index, i)
			continue
		}
		flags := uint(unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC)
		if parseOptions(m.Options).flags&unix.MS_REC != 0 {
			flags |= unix.AT_RECURSIVE
		}
		fd, err := unix.OpenTree(unix.AT_FDCWD, m.Source, flags)
		if err == unix.EPERM {
			// An unprivileged (rootless) runtime may not clone mounts of
			// its namespace: the init binds the source itself, as before.
			continue
		}
		if err != nil {
			for _, f := range files {
				f.Close()
			}
			return nil, nil, fmt.Errorf("mounts[%d] %s: open_tree %s: %w", i, m.Destination, m.Source, err)
		}
		files = append(files, os.NewFile(uintptr(fd), m.Source))
		index = append(index, i)
	}
	return files, index, nil
}

// closeSources closes the trees no mount used: the init could reach
// their sources, or the create failed.
func (b *builder) closeSources() {
	for i, fd := range b.sourceFds {
		unix.Close(fd)
		delete(b.sourceFds, i)
	}
}

// sourceTree hands over mount i's tree when the init cannot reach the
// source itself, as runc asks its parent only when stat(2) fails: a bind
// made inside the container's mount namespace stays a slave of the host's
// mount, as runc's, while an attached tree is a private copy. It returns
// -1 otherwise; unused trees are closed when Mount returns.
func (b *builder) sourceTree(i int, m specs.Mount) int {
	fd, ok := b.sourceFds[i]
	if !ok {
		return -1
	}
	if _, err := os.Stat(m.Source); err == nil && !idmapped(m) {
		return -1
	}
	delete(b.sourceFds, i)
	return fd
}

// attachSource puts the tree the parent cloned for a bind on target and
// closes it. Because a tree cloned outside the user namespace arrives with
// no flag locked, the source's lockable flags are added to what the bind's
// remount sets: the container gets what a bind made inside its namespace
// would, where the kernel keeps them (mount_namespaces(7)), never a nodev
// or nosuid mount made dev or suid.
func attachSource(tree, target int, o *mountOpts) error {
	defer unix.Close(tree)
	var st unix.Statfs_t
	if err := unix.Fstatfs(tree, &st); err != nil {
		return fmt.Errorf("statfs the bind source the runtime opened: %w", err)
	}
	o.flags |= lockedFlags(st.Flags, o.flags)
	err := unix.MoveMount(tree, "", target, "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH)
	if err != nil {
		return fmt.Errorf("attach the bind source the runtime opened: move_mount: %w", err)
	}
	return nil
}

// lockedFlags are the mount flags of statfs(2) f_flags that the kernel
// locks in a less privileged mount namespace; an atime mode only where the
// request names none.
func lockedFlags(f int64, requested uintptr) uintptr {
	flags := uintptr(f) & (unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC)
	const atimes = unix.MS_NOATIME | unix.MS_RELATIME | unix.MS_STRICTATIME
	if requested&atimes != 0 {
		return flags
	}
	switch {
	case f&unix.ST_NOATIME != 0:
		flags |= unix.MS_NOATIME
	case f&unix.ST_RELATIME != 0:
		flags |= unix.MS_RELATIME
	default:
		flags |= unix.MS_STRICTATIME
	}
	return flags | uintptr(f)&unix.MS_NODIRATIME
}

// sourceIsDir tells a directory source from a file one, through the tree
// when there is one: the init may not be able to stat the path.
func (b *builder) sourceIsDir(tree int, src string) bool {
	if tree < 0 {
		return isDir(src)
	}
	var st unix.Stat_t
	return unix.Fstat(tree, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR
}

// mayAdminMounts reports whether a process of the container can hold
// CAP_SYS_ADMIN (it is in the bounding set).
func mayAdminMounts(s *specs.Spec) bool {
	c := s.Process.Capabilities
	if c == nil {
		return false
	}
	for _, n := range c.Bounding {
		if strings.EqualFold(n, "CAP_SYS_ADMIN") {
			return true
		}
	}
	return false
}
