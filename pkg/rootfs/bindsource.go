package rootfs

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// bindSourceInRoot resolves a bind source that lies under the rootfs
// inside it, as every target is: the links there are the image's, and
// followed on the host (as runc's open of the source does) one pointing at
// /etc/shadow would bind the host's file into the container. It returns
// what to mount (the fd's path through the runtime's own /proc) and the
// release of that fd. Any other source is the caller's host path.
func (b *builder) bindSourceInRoot(src string) (string, func(), error) {
	inner, ok := sourceInRootfs(b.rootfs, src)
	if !ok {
		return src, func() {}, nil
	}
	fd, err := openInRoot(b.root, inner, 0)
	if err != nil {
		return "", nil, fmt.Errorf("bind source %s (inside the rootfs): %w", src, err)
	}
	return fdPath(fd), func() { unix.Close(fd) }, nil
}
