package rootfs

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
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
	f, err := os.Open(mountinfo)
	if err != nil {
		return nil, fmt.Errorf("read mountinfo: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		fields, after := strings.Fields(pre), strings.Fields(post)
		if !ok || len(fields) < 5 || len(after) < 1 {
			continue
		}
		root, point, fstype := unescapeMountinfo(fields[3]), unescapeMountinfo(fields[4]), after[0]
		if root != "/" || (fstype != "proc" && fstype != "sysfs") || point == rootfs || strings.HasPrefix(point, rootfs+"/") {
			continue
		}
		out = append(out, point)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read mountinfo: %w", err)
	}
	return out, nil
}

// unescapeMountinfo decodes the \ooo escapes mountinfo uses for space,
// tab, newline and backslash in paths (proc(5)).
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				sb.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}
