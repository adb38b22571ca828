package initproc

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// maxEtcFile caps what is read of an image's /etc/passwd or /etc/group.
// The image is untrusted and the file is read at every create and exec, so
// a huge (or sparse, endless-looking) one must cost little time and memory
// inside the container's limits; 4 MiB holds some 50,000 passwd entries,
// far more than any real image ships. Entries beyond it are not seen.
const maxEtcFile = 4 << 20

// readEtcFile reads name (relative, e.g. "etc/passwd") of the directory
// root as the container's own, regular file. It resolves inside root
// (RESOLVE_IN_ROOT, as pkg/rootfs does) without magic links, follows no
// symlink in the last component (O_NOFOLLOW), opens with O_NONBLOCK (a FIFO
// would block the open until a writer came: create and every later exec
// hung) and O_NOCTTY (a terminal must not become the controlling one), and
// refuses anything but a regular file, so no device is ever read.
func readEtcFile(root int, name string) ([]byte, error) {
	how := unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_NONBLOCK | unix.O_NOFOLLOW | unix.O_NOCTTY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	}
	fd, err := unix.Openat2(root, name, &how)
	if err != nil {
		return nil, fmt.Errorf("open /%s: %w", name, err)
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, fmt.Errorf("stat /%s: %w", name, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, fmt.Errorf("/%s is not a regular file (mode %#o)", name, st.Mode&unix.S_IFMT)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxEtcFile))
	if err != nil {
		return nil, fmt.Errorf("read /%s: %w", name, err)
	}
	return b, nil
}
