// Package rootfs owns the container's filesystem view: root propagation,
// the config's mounts, device nodes, /dev symlinks, masked and read-only
// paths, pivot_root and the read-only root. Every target is resolved inside
// the rootfs (openat2 RESOLVE_IN_ROOT) and mounted through an fd, so an
// image's symlinks cannot redirect a mount onto the host.
package rootfs

import (
	"fmt"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Config is what the builder needs beyond the spec.
type Config struct {
	Spec       *specs.Spec
	Rootfs     string // absolute host path
	NoPivot    bool
	InUserNS   bool              // mknod and sysfs need other means
	CgroupDirs map[string]string // hierarchy name ("" for unified) -> host cgroup dir
	MountLabel string
	// SourceFds are the bind sources the parent opened (OpenSources),
	// by mount index; each is closed once used or when Mount returns.
	SourceFds map[int]int
}

type builder struct {
	spec       *specs.Spec
	rootfs     string
	root       int
	noPivot    bool
	inUserNS   bool
	cgroupDirs map[string]string
	mountLabel string
	sourceFds  map[int]int
	// lateReadonly are mounts made read-only once all mounts are made.
	lateReadonly []string
}

// Builder runs the rootfs steps in the order the init sequence calls them.
type Builder = *builder

// Open prepares the mount namespace and binds the rootfs onto itself. It
// must run in the container's new mount namespace.
func Open(c Config) (Builder, error) {
	b := &builder{spec: c.Spec, rootfs: c.Rootfs, root: -1, noPivot: c.NoPivot,
		inUserNS: c.InUserNS, cgroupDirs: c.CgroupDirs, mountLabel: c.MountLabel, sourceFds: c.SourceFds}
	prop := uintptr(unix.MS_SLAVE | unix.MS_REC)
	if p := c.Spec.Linux.RootfsPropagation; p != "" {
		prop = propagationOpts[p] | unix.MS_REC
	}
	// Because mounts made for the container must never propagate to the host.
	if err := unix.Mount("", "/", "", prop, ""); err != nil {
		return nil, fmt.Errorf("set / propagation: %w", err)
	}
	if err := makeRootfsMountPrivate(c.Rootfs); err != nil {
		return nil, err
	}
	if err := unix.Mount(c.Rootfs, c.Rootfs, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return nil, fmt.Errorf("bind rootfs %s: %w", c.Rootfs, err)
	}
	fd, err := unix.Open(c.Rootfs, unix.O_DIRECTORY|unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open rootfs %s: %w", c.Rootfs, err)
	}
	b.root = fd
	return b, nil
}

// makeRootfsMountPrivate makes the mount that holds the rootfs private:
// the rootfs itself when it is a mount point (containerd's overlay), else
// the nearest mount above it. pivot_root(2) fails with EINVAL when the new
// root's parent mount is shared, and the rootfs's bind onto itself, made on
// a shared mount, would propagate to the host's mount table.
func makeRootfsMountPrivate(rootfs string) error {
	for dir := rootfs; ; dir = filepath.Dir(dir) {
		err := unix.Mount("", dir, "", unix.MS_PRIVATE, "")
		if err == nil || dir == "/" {
			return nil
		}
		if err != unix.EINVAL {
			return fmt.Errorf("make %s private: %w", dir, err)
		}
	}
}

// Close releases the rootfs handle; it may be called more than once.
func (b *builder) Close() {
	if b.root >= 0 {
		unix.Close(b.root)
	}
	b.root = -1
}

// Root is the rootfs dirfd (O_PATH), for lookups resolved inside it.
func (b *builder) Root() int { return b.root }

// Mount performs the config's mounts, then device nodes and /dev symlinks.
func (b *builder) Mount() error {
	defer b.closeSources()
	for i, m := range b.spec.Mounts {
		m.Destination = stripRootfs(b.rootfs, m.Destination)
		if err := b.mountOne(i, m); err != nil {
			return err
		}
	}
	if !devIsHostBind(b.spec) {
		if err := b.createDevices(); err != nil {
			return err
		}
	}
	if err := b.createDevSymlinks(); err != nil {
		return err
	}
	return b.applyLateReadonly()
}

// Finalize runs after pivot_root: the read-only root and the root's own
// propagation.
func (b *builder) Finalize() error {
	// By path, never through /proc/self/fd: after pivot_root /proc is the
	// container's, and an image's links there would aim the remount at
	// some other directory and leave "/" writable.
	if b.spec.Root.Readonly {
		if err := remountBindPath("/", unix.MS_RDONLY); err != nil {
			return fmt.Errorf("root.readonly: %w", err)
		}
	}
	if p := b.spec.Linux.RootfsPropagation; p != "" {
		if err := unix.Mount("", "/", "", propagationOpts[p], ""); err != nil {
			return fmt.Errorf("linux.rootfsPropagation %s: %w", p, err)
		}
	}
	return nil
}
