package rootfs

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// detachKernelFilesystems detaches every whole procfs and sysfs mount
// outside the rootfs before --no-pivot's move and chroot. Those mounts stay
// in the container's mount namespace, outside its root, and while one is
// fully visible the kernel lets a user-namespaced CAP_SYS_ADMIN mount a
// fresh, unmasked procfs or sysfs (mount_too_revealing in fs/namespace.c).
// In a user namespace the kernel locks them to their parent (EINVAL): a
// tmpfs over one would not help, since the kernel ignores unlocked covers
// when it judges visibility, so the container is refused instead.
func (b *builder) detachKernelFilesystems() error {
	// Still the host's procfs: nothing has been moved or chrooted yet.
	points, err := kernelFSMounts("/proc/self/mountinfo", b.rootfs)
	if err != nil {
		return err
	}
	for _, p := range points {
		// Because the detach must not propagate to the host.
		if err := unix.Mount("", p, "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
			if errors.Is(err, unix.ENOENT) {
				continue // under a mount detached before it
			}
			return fmt.Errorf("make %s slave: %w", p, err)
		}
		if err := unix.Unmount(p, unix.MNT_DETACH); err != nil {
			return fmt.Errorf("--no-pivot: cannot detach the host's kernel filesystem at %s (%w; the kernel locks it in a user namespace); "+
				"with it in place the container could mount an unmasked procfs or sysfs: use pivot_root", p, err)
		}
	}
	return nil
}

// kernelFSMounts lists the mount points of whole (root "/") proc and sysfs
// mounts that are not inside rootfs.
func kernelFSMounts(mountinfo, rootfs string) ([]string, error) {
	mounts, err := readMountinfo(mountinfo)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range mounts {
		if m.root != "/" || (m.fstype != "proc" && m.fstype != "sysfs") || m.point == rootfs || strings.HasPrefix(m.point, rootfs+"/") {
			continue
		}
		out = append(out, m.point)
	}
	return out, nil
}
