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
// names one: lexically (stripRootfs), or spelled through a host link that
// leads to the rootfs directory itself (/var/run/... for a rootfs under
// /run): each leading part of the path is looked up on the host, where the
// links are the host's, and the first that is the rootfs directory (same
// device and inode) ends the host part. The rest is then the container's
// and is resolved inside the root, never through the image's links on the
// host. ok is false for a source outside the rootfs.
func sourceInRootfs(rootfs, src string) (inner string, ok bool) {
	if in := stripRootfs(rootfs, src); in != src {
		return in, true
	}
	var root unix.Stat_t
	if !filepath.IsAbs(src) || unix.Stat(rootfs, &root) != nil {
		return src, false
	}
	parts := strings.Split(strings.Trim(filepath.Clean(src), "/"), "/")
	prefix := ""
	for i, part := range parts[:len(parts)-1] {
		prefix += "/" + part
		var st unix.Stat_t
		if unix.Stat(prefix, &st) != nil {
			return src, false
		}
		if st.Dev == root.Dev && st.Ino == root.Ino {
			return "/" + strings.Join(parts[i+1:], "/"), true
		}
	}
	return src, false
}
