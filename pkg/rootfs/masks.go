package rootfs

import (
	"errors"
	"fmt"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// MaskPaths hides linux.maskedPaths: a read-only empty tmpfs over a
// directory, the host's verified /dev/null over anything else. Paths that do
// not exist are skipped, and one named twice is masked once, as runc does;
// as runc 1.5, directories after the first get a bind of its tmpfs rather
// than one each (a bind keeps its read-only flag).
func (b *builder) MaskPaths() error {
	if b.spec.Linux == nil || len(b.spec.Linux.MaskedPaths) == 0 {
		return nil
	}
	null, err := hostDevNull()
	if err != nil {
		return err
	}
	defer unix.Close(null)
	m := masker{b: b, null: null, sharedDir: -1, seen: map[string]bool{}}
	defer m.close()
	for i, p := range b.spec.Linux.MaskedPaths {
		if err := m.mask(p); err != nil {
			return fmt.Errorf("linux.maskedPaths[%d] %s: %w", i, p, err)
		}
	}
	return nil
}

// masker is one MaskPaths pass: the paths done and the shared tmpfs.
type masker struct {
	b         *builder
	null      int
	sharedDir int // the first directory mask, -1 before it
	seen      map[string]bool
}

func (m *masker) close() {
	if m.sharedDir >= 0 {
		unix.Close(m.sharedDir)
	}
}

func (m *masker) mask(path string) error {
	clean := filepath.Clean("/" + path)
	if m.seen[clean] {
		return nil
	}
	fd, err := openProtected(m.b.root, path)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	m.seen[clean] = true
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return unix.Mount(fdPath(m.null), fdPath(fd), "", unix.MS_BIND, "")
	}
	if m.sharedDir >= 0 && unix.Mount(fdPath(m.sharedDir), fdPath(fd), "", unix.MS_BIND, "") == nil {
		return nil
	}
	err = unix.Mount("tmpfs", fdPath(fd), "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=0,nr_inodes=1")
	if err == nil && m.sharedDir < 0 {
		// Reopened: fd still names the covered directory. Without a shared
		// one every later directory just gets its own tmpfs.
		if shared, err := openProtected(m.b.root, path); err == nil {
			m.sharedDir = shared
		}
	}
	return err
}

// openProtected opens a masked or read-only path without following any
// symlink: through an image's link the protection would cover some other
// file and leave the named one open.
func openProtected(root int, path string) (int, error) {
	fd, err := openNoSymlinks(root, path, 0)
	if errors.Is(err, unix.ELOOP) {
		return -1, fmt.Errorf("%s is reached through a symlink; refusing to protect another path in its place", path)
	}
	return fd, err
}

// hostDevNull opens the runtime's own /dev/null and checks it is the null
// device, so a mask can only ever be the real thing.
func hostDevNull() (int, error) {
	fd, err := unix.Open("/dev/null", unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open host /dev/null: %w", err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFCHR || st.Rdev != unix.Mkdev(1, 3) {
		unix.Close(fd)
		return -1, fmt.Errorf("host /dev/null is not the null device")
	}
	return fd, nil
}

// ReadonlyPaths makes linux.readonlyPaths read-only with a recursive bind
// onto itself and a read-only remount; missing paths are skipped.
func (b *builder) ReadonlyPaths() error {
	if b.spec.Linux == nil {
		return nil
	}
	for i, p := range b.spec.Linux.ReadonlyPaths {
		fd, err := openProtected(b.root, p)
		if errors.Is(err, unix.ENOENT) {
			continue
		}
		if err != nil {
			return fmt.Errorf("linux.readonlyPaths[%d]: %w", i, err)
		}
		err = unix.Mount(fdPath(fd), fdPath(fd), "", unix.MS_BIND|unix.MS_REC, "")
		if err == nil {
			// Reopen: the fd still names the mount that was covered.
			unix.Close(fd)
			fd, err = openProtected(b.root, p)
			if err == nil {
				err = remountBind(fd, unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC)
			}
		}
		unix.Close(fd)
		if err != nil {
			return fmt.Errorf("linux.readonlyPaths[%d] %s: %w", i, p, err)
		}
	}
	return nil
}
