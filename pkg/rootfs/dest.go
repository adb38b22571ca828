package rootfs

import (
	"path/filepath"
	"strings"
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
