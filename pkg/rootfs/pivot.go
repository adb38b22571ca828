package rootfs

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// PivotRoot makes the rootfs "/" and detaches the old root, so no path in
// the container leads back to the host (pivot_root(2): new_root and
// put_old may be the same directory).
func (b *builder) PivotRoot() error {
	if b.noPivot {
		return b.moveRoot()
	}
	old, err := unix.Open("/", unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open old root: %w", err)
	}
	defer unix.Close(old)
	if err := unix.Fchdir(b.root); err != nil {
		return fmt.Errorf("chdir to rootfs: %w", err)
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := unix.Fchdir(old); err != nil {
		return fmt.Errorf("chdir to old root: %w", err)
	}
	// Slave first, because unmounting a shared old root would propagate
	// the unmounts to the host.
	if err := unix.Mount("", ".", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("make old root slave: %w", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detach old root: %w", err)
	}
	return chdirRoot()
}

// moveRoot is --no-pivot: the rootfs is moved over "/" and chrooted into.
// Weaker than pivot_root (the old root stays reachable to CAP_SYS_CHROOT),
// so the host's kernel filesystems are hidden first.
func (b *builder) moveRoot() error {
	if err := b.detachKernelFilesystems(); err != nil {
		return err
	}
	if err := unix.Fchdir(b.root); err != nil {
		return fmt.Errorf("chdir to rootfs: %w", err)
	}
	if err := unix.Mount(".", "/", "", unix.MS_MOVE, ""); err != nil {
		return fmt.Errorf("move rootfs to /: %w", err)
	}
	if err := unix.Chroot("."); err != nil {
		return fmt.Errorf("chroot: %w", err)
	}
	return chdirRoot()
}

func chdirRoot() error {
	if err := unix.Chdir("/"); err != nil {
		return fmt.Errorf("chdir /: %w", err)
	}
	return nil
}
