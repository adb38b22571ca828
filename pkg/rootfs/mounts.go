package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// mountOne performs one entry of the config's mounts list inside root.
func (b *builder) mountOne(i int, m specs.Mount) error {
	o := parseOptions(m.Options)
	if m.Type == "cgroup" || m.Type == "cgroup2" {
		return b.mountCgroup(m, o)
	}
	bind := isBind(m)
	if bind {
		src, release, err := b.bindSourceInRoot(m.Source)
		if err != nil {
			return fmt.Errorf("mounts[%d] %s: %w", i, m.Destination, err)
		}
		defer release()
		m.Source = src
	}
	if m.Type == "tmpfs" {
		o.data = b.withCoveredMode(m.Destination, o.data)
	}
	tree := -1 // the source the parent opened, only where the init cannot reach it
	if bind {
		tree = b.sourceTree(i, m)
	}
	var target int
	var err error
	switch {
	case m.Type == "proc" || m.Type == "sysfs":
		target, err = b.kernelFSTarget(m)
	case bind && !b.sourceIsDir(tree, m.Source):
		target, err = createFileInRoot(b.root, m.Destination)
	default:
		target, err = mkdirAllInRoot(b.root, m.Destination, 0o755)
	}
	if err == nil {
		err = refuseProcfsTarget(target, m)
		if err != nil {
			unix.Close(target)
		}
	}
	if err != nil {
		return fmt.Errorf("mounts[%d] %s: %w", i, m.Destination, err)
	}
	covered := -1
	if o.copyUp {
		// Opened before the mount covers it; the target fd is O_PATH.
		covered, err = unix.Openat(target, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	}
	switch {
	case err != nil:
	case tree >= 0:
		err = attachSource(tree, target, &o)
	case bind && idmapped(m):
		err = bindIdmapped(m, o, target)
	case bind:
		err = unix.Mount(m.Source, fdPath(target), "", o.flags&(unix.MS_BIND|unix.MS_REC), "")
	case o.copyUp:
		// Because a read-only tmpfs could not be filled, it is mounted
		// writable and made read-only once the copy is done.
		rw := o
		rw.flags &^= unix.MS_RDONLY
		err = b.fsMount(m, target, rw)
	default:
		err = b.fsMount(m, target, b.laterReadonly(m, o))
	}
	unix.Close(target)
	if covered >= 0 {
		defer unix.Close(covered)
	}
	if err != nil {
		return fmt.Errorf("mounts[%d] %s: %w", i, m.Destination, err)
	}
	// The fd still names the covered directory; the new mount is reached
	// by resolving the path again.
	if target, err = openInRoot(b.root, m.Destination, 0); err != nil {
		return fmt.Errorf("mounts[%d] %s: %w", i, m.Destination, err)
	}
	defer unix.Close(target)
	if o.copyUp {
		if err := copyUp(covered, target, m, o, b.mountLabel); err != nil {
			return fmt.Errorf("mounts[%d] %s: tmpcopyup: %w", i, m.Destination, err)
		}
	}
	if bind {
		err = bindFlags(target, o)
	} else {
		err = setRecursiveAttrs(target, o)
	}
	if err == nil {
		err = applyPropagation(target, o)
	}
	if err != nil {
		return fmt.Errorf("mounts[%d] %s: %w", i, m.Destination, err)
	}
	return nil
}

// kernelFSTarget resolves the directory a proc or sysfs mount goes on
// without following any symlink: an image whose /proc is a link would
// otherwise have the kernel's files mounted where it chose, and its masks
// applied elsewhere (CVE-2023-27561, CVE-2023-28642).
func (b *builder) kernelFSTarget(m specs.Mount) (int, error) {
	fd, err := openNoSymlinks(b.root, m.Destination, 0)
	if errors.Is(err, unix.ENOENT) {
		var dir int
		if dir, err = mkdirAllInRoot(b.root, m.Destination, 0o755); err == nil {
			unix.Close(dir)
			fd, err = openNoSymlinks(b.root, m.Destination, 0)
		}
	}
	if errors.Is(err, unix.ELOOP) {
		return -1, fmt.Errorf("filesystem %q must be mounted on ordinary directory (the image has a symlink on the way)", m.Type)
	}
	if err != nil {
		return -1, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
		unix.Close(fd)
		return -1, fmt.Errorf("filesystem %q must be mounted on ordinary directory", m.Type)
	}
	return fd, nil
}

// refuseProcfsTarget refuses a mount whose target, however it was
// reached, lies in a procfs, unless the config names one of the few files
// lxcfs-style tools may cover: anything else would shadow what masks hide
// or replace what the kernel reports to the container.
func refuseProcfsTarget(target int, m specs.Mount) error {
	var st unix.Statfs_t
	if err := unix.Fstatfs(target, &st); err != nil {
		return fmt.Errorf("statfs target: %w", err)
	}
	if st.Type != unix.PROC_SUPER_MAGIC || procMountAllowed(filepath.Clean(m.Destination)) {
		return nil
	}
	return fmt.Errorf("%q cannot be mounted because it is inside /proc", m.Destination)
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// bindFlags applies a bind mount's flags: the bind itself ignores them, a
// remount applies them.
func bindFlags(target int, o mountOpts) error {
	if rest := o.flags &^ (unix.MS_BIND | unix.MS_REC | unix.MS_REMOUNT); rest != 0 {
		if err := remountBind(target, rest); err != nil {
			return err
		}
	}
	return setRecursiveAttrs(target, o)
}

// remountBind changes a bind mount's flags. In a user namespace the kernel
// refuses to clear flags it locked (nosuid, nodev, noexec, ro, atime), so
// those already set are kept (mount_namespaces(7)).
func remountBind(target int, flags uintptr) error {
	return remountBindPath(fdPath(target), flags)
}

// remountBindPath is remountBind for a path the caller trusts, with the
// locked flags read by statfs(2) of that same path.
func remountBindPath(path string, flags uintptr) error {
	err := unix.Mount("", path, "", unix.MS_BIND|unix.MS_REMOUNT|flags, "")
	if errors.Is(err, unix.EPERM) {
		var st unix.Statfs_t
		if unix.Statfs(path, &st) == nil {
			locked := uintptr(st.Flags) & (unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_RDONLY |
				unix.MS_NOATIME | unix.MS_NODIRATIME | unix.MS_RELATIME)
			err = unix.Mount("", path, "", unix.MS_BIND|unix.MS_REMOUNT|flags|locked, "")
		}
	}
	if err != nil {
		return fmt.Errorf("remount with flags %#x: %w", flags, err)
	}
	return nil
}

func setRecursiveAttrs(target int, o mountOpts) error {
	if o.rec.set == 0 && o.rec.clr == 0 {
		return nil
	}
	attr := unix.MountAttr{Attr_set: o.rec.set, Attr_clr: o.rec.clr}
	if err := unix.MountSetattr(target, "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, &attr); err != nil {
		return fmt.Errorf("mount_setattr set %#x clear %#x: %w", o.rec.set, o.rec.clr, err)
	}
	return nil
}

func (b *builder) fsMount(m specs.Mount, target int, o mountOpts) error {
	data := strings.Join(o.data, ",")
	if b.mountLabel != "" && (m.Type == "tmpfs" || m.Type == "devpts" || m.Type == "mqueue") {
		data = joinData(data, "context=\""+b.mountLabel+"\"")
	}
	err := unix.Mount(m.Source, fdPath(target), m.Type, o.flags, data)
	if err != nil && m.Type == "sysfs" && errors.Is(err, unix.EPERM) && b.inUserNS {
		// A user namespace without its own network namespace may not mount
		// sysfs; a recursive bind of the host's is what runc does. The bind
		// ignores the flags, so they are applied by a remount: a config's
		// read-only sysfs must not become a writable view of the host's.
		err = unix.Mount("/sys", fdPath(target), "", unix.MS_BIND|unix.MS_REC, "")
		if rest := o.flags &^ (unix.MS_BIND | unix.MS_REC | unix.MS_REMOUNT); err == nil && rest != 0 {
			err = b.remountNew(m.Destination, rest)
		}
	}
	if err != nil {
		return fmt.Errorf("mount %s (type %s, options %q): %w", m.Source, m.Type, data, err)
	}
	return nil
}

// remountNew applies flags to the mount just made on dest, reached by
// resolving the path again (the target fd names the covered directory).
func (b *builder) remountNew(dest string, flags uintptr) error {
	fd, err := openInRoot(b.root, dest, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return remountBind(fd, flags)
}

func joinData(a, b string) string {
	if a == "" {
		return b
	}
	return a + "," + b
}

func applyPropagation(target int, o mountOpts) error {
	for _, p := range o.propagation {
		if err := unix.Mount("", fdPath(target), "", p, ""); err != nil {
			return fmt.Errorf("set propagation %#x: %w", p, err)
		}
	}
	return nil
}

// mountCgroup gives the container its own cgroup directories, never the
// host's whole hierarchy: a bind of the container's cgroup for the unified
// hierarchy, or a tmpfs of per-controller binds on v1.
func (b *builder) mountCgroup(m specs.Mount, o mountOpts) error {
	target, err := mkdirAllInRoot(b.root, m.Destination, 0o755)
	if err != nil {
		return fmt.Errorf("cgroup mount %s: %w", m.Destination, err)
	}
	defer unix.Close(target)
	ro := o.flags & unix.MS_RDONLY
	base := o.flags &^ (unix.MS_RDONLY | unix.MS_BIND | unix.MS_REC)
	if dir, ok := b.cgroupDirs[""]; ok && len(b.cgroupDirs) == 1 {
		if err := unix.Mount(dir, fdPath(target), "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("bind cgroup %s: %w", dir, err)
		}
		return b.remountPath(m.Destination, base|ro|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC)
	}
	if err := unix.Mount("tmpfs", fdPath(target), "tmpfs", base|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=755"); err != nil {
		return fmt.Errorf("cgroup mount %s: tmpfs: %w", m.Destination, err)
	}
	for name, dir := range b.cgroupDirs {
		if name == "" {
			name = "unified"
		}
		name = strings.TrimPrefix(name, "name=")
		sub, err := mkdirAllInRoot(b.root, m.Destination+"/"+name, 0o755)
		if err != nil {
			return fmt.Errorf("cgroup mount %s: %w", name, err)
		}
		err = unix.Mount(dir, fdPath(sub), "", unix.MS_BIND|unix.MS_REC, "")
		unix.Close(sub)
		if err == nil {
			err = b.remountPath(m.Destination+"/"+name, base|ro|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC)
		}
		if err != nil {
			return fmt.Errorf("cgroup mount %s: bind %s: %w", name, dir, err)
		}
	}
	if ro != 0 {
		return b.remountPath(m.Destination, ro|base|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC)
	}
	return nil
}

// remountPath resolves path again (reaching the mount now on top) and
// changes its flags.
func (b *builder) remountPath(path string, flags uintptr) error {
	fd, err := openInRoot(b.root, path, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return remountBind(fd, flags)
}
