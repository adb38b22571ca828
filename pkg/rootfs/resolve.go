package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// inRoot resolves every path as if the rootfs were "/" (openat2(2)
// RESOLVE_IN_ROOT): an image's symlink can never lead out of the rootfs.
const inRoot = unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS

// openInRoot opens path inside the root dirfd as an O_PATH handle.
func openInRoot(root int, path string, flags int) (int, error) {
	return openPath(root, path, flags, inRoot)
}

// openNoSymlinks opens path inside root like openInRoot, but refuses any
// symlink on the way (ELOOP): for targets that must be exactly the path
// the config names, never where an image's link points.
func openNoSymlinks(root int, path string, flags int) (int, error) {
	return openPath(root, path, flags, inRoot|unix.RESOLVE_NO_SYMLINKS)
}

func openPath(root int, path string, flags int, resolve uint64) (int, error) {
	how := unix.OpenHow{Flags: uint64(flags | unix.O_PATH | unix.O_CLOEXEC), Resolve: resolve}
	for {
		fd, err := unix.Openat2(root, strings.TrimLeft(path, "/"), &how)
		if err == unix.EINTR || err == unix.EAGAIN {
			continue
		}
		if err != nil {
			return -1, &pathError{"open", path, err}
		}
		return fd, nil
	}
}

// fdPath names an fd through the runtime's own /proc, which is still the
// host's when rootfs setup runs (before pivot_root), so it is trusted.
func fdPath(fd int) string { return "/proc/self/fd/" + strconv.Itoa(fd) }

// maxLinks bounds how many dangling symlinks one mkdirAllInRoot follows.
const maxLinks = 40

// mkdirAllInRoot creates path inside root one component at a time, each
// resolved in root, and returns an O_PATH fd of the directory. A component
// that is a dangling symlink is followed the way the kernel would, inside
// root, and its target is created there.
func mkdirAllInRoot(root int, path string, mode uint32) (int, error) {
	for links := 0; ; links++ {
		fd, next, err := mkdirWalk(root, path, mode)
		if next == "" || err != nil {
			return fd, err
		}
		if links == maxLinks {
			return -1, &pathError{"mkdir", path, unix.ELOOP}
		}
		path = next
	}
}

// mkdirWalk creates what it can of path; when it meets a dangling symlink
// it returns the path with that link substituted, to walk again.
func mkdirWalk(root int, path string, mode uint32) (int, string, error) {
	parent, err := unix.Dup(root)
	if err != nil {
		return -1, "", err
	}
	parts := strings.Split(filepath.Clean("/"+path), "/")
	cur := "/"
	for i, part := range parts {
		if part == "" {
			continue
		}
		cur = filepath.Join(cur, part)
		fd, err := openInRoot(root, cur, unix.O_DIRECTORY)
		if errors.Is(err, unix.ENOENT) {
			err = unix.Mkdirat(parent, part, mode)
			if err == unix.EEXIST {
				if target, lerr := readlinkAt(parent, part); lerr == nil {
					unix.Close(parent)
					if !filepath.IsAbs(target) {
						target = filepath.Join(filepath.Dir(cur), target)
					}
					return -1, filepath.Join(append([]string{target}, parts[i+1:]...)...), nil
				}
			}
			if err != nil && err != unix.EEXIST {
				unix.Close(parent)
				return -1, "", &pathError{"mkdir", cur, err}
			}
			fd, err = openInRoot(root, cur, unix.O_DIRECTORY)
		}
		unix.Close(parent)
		if err != nil {
			return -1, "", err
		}
		parent = fd
	}
	return parent, "", nil
}

func readlinkAt(dir int, name string) (string, error) {
	buf := make([]byte, unix.PathMax)
	n, err := unix.Readlinkat(dir, name, buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// createFileInRoot makes sure a non-directory exists at path (a bind target
// for a file) and returns an O_PATH fd of it. A last component that is a
// dangling symlink is followed inside root, as mkdirAllInRoot does for
// directories, and the file is created where it points (runc 1.5).
func createFileInRoot(root int, path string) (int, error) {
	for links := 0; ; links++ {
		fd, next, err := createFileWalk(root, path)
		if next == "" || err != nil {
			return fd, err
		}
		if links == maxLinks {
			return -1, &pathError{"create", path, unix.ELOOP}
		}
		path = next
	}
}

// createFileWalk creates the file at path; when the name is a dangling
// symlink it returns the path with the link substituted, to try again.
func createFileWalk(root int, path string) (int, string, error) {
	if fd, err := openInRoot(root, path, 0); err == nil {
		return fd, "", nil
	}
	dir, err := mkdirAllInRoot(root, filepath.Dir(path), 0o755)
	if err != nil {
		return -1, "", err
	}
	defer unix.Close(dir)
	name := filepath.Base(path)
	// O_PATH dirfds cannot be used to create files; reopen the directory.
	d, err := unix.Open(fdPath(dir), unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, "", &pathError{"open", filepath.Dir(path), err}
	}
	defer unix.Close(d)
	f, err := unix.Openat(d, name, unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
	if err == unix.EEXIST {
		// Only a dangling link makes both the open above and this one fail.
		if target, lerr := readlinkAt(d, name); lerr == nil {
			if !filepath.IsAbs(target) {
				target = filepath.Join(filepath.Dir(path), target)
			}
			return -1, target, nil
		}
	}
	if err != nil && err != unix.EEXIST {
		return -1, "", &pathError{"create", path, err}
	}
	if err == nil {
		unix.Close(f)
	}
	fd, err := openInRoot(root, path, 0)
	return fd, "", err
}

type pathError struct {
	op, path string
	err      error
}

func (e *pathError) Error() string { return fmt.Sprintf("%s %s: %v", e.op, e.path, e.err) }
func (e *pathError) Unwrap() error { return e.err }

// OpenInRoot opens path for I/O resolved inside root, with no magic links:
// used for files the runtime opens in the container (the pty multiplexer).
func OpenInRoot(root int, path string, flags int) (*os.File, error) {
	how := unix.OpenHow{Flags: uint64(flags | unix.O_CLOEXEC), Resolve: inRoot}
	fd, err := unix.Openat2(root, strings.TrimLeft(path, "/"), &how)
	if err != nil {
		return nil, &pathError{"open", path, err}
	}
	return os.NewFile(uintptr(fd), path), nil
}
