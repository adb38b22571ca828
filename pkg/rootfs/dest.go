package rootfs

import (
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// stripRootfs is runc's reading of a mount destination written as a host
// path under the rootfs ("<rootfs>/mnt/x", as runc's own tests and some
// clients write them): lexically, the path inside the container. Any
// other destination is already one; both are then resolved inside root.
func stripRootfs(rootfs, dest string) string {
	root := filepath.Clean(rootfs)
	d := filepath.Clean(dest)
	if root == "/" || !strings.HasPrefix(d, root+"/") {
		return dest
	}
	return strings.TrimPrefix(d, root)
}

// sourceInRootfs reads a bind source as a path inside the rootfs when it
// names one: lexically (stripRootfs), or spelled through host links that
// lead into it (/var/run/... for a rootfs under /run, a link to a rootfs
// subdirectory or to an image's own link). The path is walked on the host
// one component at a time, following the host's links by hand, until a
// directory is the rootfs itself (same device and inode): every path into
// the rootfs passes through it. What is left, link targets included, is
// then the container's and is resolved inside the root, never through the
// image's links on the host. ok is false for a source outside the rootfs.
func sourceInRootfs(rootfs, src string) (inner string, ok bool) {
	if in := stripRootfs(rootfs, src); in != src {
		return in, true
	}
	var root unix.Stat_t
	if !filepath.IsAbs(src) || unix.Stat(rootfs, &root) != nil {
		return src, false
	}
	rest, found := hostWalkToRoot(src, root)
	if !found {
		return src, false
	}
	return "/" + strings.Join(rest, "/"), true
}

// hostWalkToRoot walks path from the host's "/" and reports the components
// left once a directory on the way is root; a missing part, a file, a loop
// or too many links end the walk without it.
func hostWalkToRoot(path string, root unix.Stat_t) ([]string, bool) {
	const dirFlags = unix.O_PATH | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	cur, err := unix.Open("/", dirFlags, 0)
	if err != nil {
		return nil, false
	}
	defer func() { unix.Close(cur) }()
	rest := strings.Split(path, "/")
	for links := 0; len(rest) > 0; {
		name := rest[0]
		rest = rest[1:]
		if name == "" || name == "." {
			continue
		}
		var st unix.Stat_t
		if unix.Fstatat(cur, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
			return nil, false
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFLNK:
			if links++; links > maxLinks { // the kernel's limit too
				return nil, false
			}
			target, err := readlinkAt(cur, name)
			if err != nil {
				return nil, false
			}
			if strings.HasPrefix(target, "/") {
				next, err := unix.Open("/", dirFlags, 0)
				if err != nil {
					return nil, false
				}
				unix.Close(cur)
				cur = next
			}
			rest = append(strings.Split(target, "/"), rest...)
		case unix.S_IFDIR:
			next, err := unix.Openat(cur, name, dirFlags, 0)
			if err != nil {
				return nil, false
			}
			unix.Close(cur)
			cur = next
			// The directory opened, not the stat before it: the same one
			// whatever was renamed in between.
			if unix.Fstat(cur, &st) != nil {
				return nil, false
			}
			if st.Dev == root.Dev && st.Ino == root.Ino {
				return rest, true
			}
		default:
			return nil, false
		}
	}
	return nil, false
}
