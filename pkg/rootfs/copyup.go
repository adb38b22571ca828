package rootfs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// copyUp fills the tmpfs just mounted at target (an O_PATH fd of it) with
// what the image had in the directory it covers (covered, opened before
// the mount), keeping modes, owners and times, then makes it read-only if
// the config asked. Every name is opened relative to its parent with
// O_NOFOLLOW: the image's symlinks are copied as links, never followed.
func copyUp(covered, target int, m specs.Mount, o mountOpts, label string) error {
	dst, err := unix.Openat(target, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open new tmpfs: %w", err)
	}
	err = copyDirContents(covered, dst, m.Destination)
	unix.Close(dst)
	if err != nil || o.flags&unix.MS_RDONLY == 0 {
		return err
	}
	data := strings.Join(o.data, ",")
	if label != "" {
		data = joinData(data, "context=\""+label+"\"")
	}
	if err := unix.Mount("", fdPath(target), "", unix.MS_REMOUNT|o.flags, data); err != nil {
		return fmt.Errorf("remount read-only: %w", err)
	}
	return nil
}

func copyDirContents(src, dst int, path string) error {
	// Readdirnames takes the fd it is given; it reads a duplicate.
	dup, err := unix.Dup(src)
	if err != nil {
		return fmt.Errorf("dup %s: %w", path, err)
	}
	unix.CloseOnExec(dup)
	dir := os.NewFile(uintptr(dup), path)
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	for _, name := range names {
		if err := copyEntry(src, dst, name, path+"/"+name); err != nil {
			return err
		}
	}
	return nil
}

func copyEntry(src, dst int, name, path string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(src, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("stat %s: %w", path, err)
	}
	var err error
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		err = copySubdir(src, dst, name, path)
	case unix.S_IFREG:
		err = copyFileAt(src, dst, name)
	case unix.S_IFLNK:
		var link string
		if link, err = readlinkAt(src, name); err == nil {
			err = unix.Symlinkat(link, dst, name)
		}
	case unix.S_IFSOCK:
		return nil // a socket is only a name without its listener
	default: // fifos and device nodes
		err = unix.Mknodat(dst, name, st.Mode, int(st.Rdev))
	}
	if err != nil {
		return fmt.Errorf("copy %s: %w", path, err)
	}
	return setMeta(dst, name, path, &st)
}

func copySubdir(src, dst int, name, path string) error {
	if err := unix.Mkdirat(dst, name, 0o700); err != nil {
		return err
	}
	flags := unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	s, err := unix.Openat(src, name, flags, 0)
	if err != nil {
		return err
	}
	defer unix.Close(s)
	d, err := unix.Openat(dst, name, flags, 0)
	if err != nil {
		return err
	}
	defer unix.Close(d)
	return copyDirContents(s, d, path)
}

func copyFileAt(src, dst int, name string) error {
	s, err := unix.Openat(src, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	in := os.NewFile(uintptr(s), name)
	defer in.Close()
	d, err := unix.Openat(dst, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return err
	}
	out := os.NewFile(uintptr(d), name)
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// setMeta gives the copy the original's owner, mode and times; the mode
// comes after the owner because chown(2) clears set-user-ID bits.
func setMeta(dst int, name, path string, st *unix.Stat_t) error {
	if err := unix.Fchownat(dst, name, int(st.Uid), int(st.Gid), unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("chown %s: %w", path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFLNK {
		if err := unix.Fchmodat(dst, name, st.Mode&0o7777, 0); err != nil {
			return fmt.Errorf("chmod %s: %w", path, err)
		}
	}
	ts := []unix.Timespec{st.Atim, st.Mtim}
	if err := unix.UtimesNanoAt(dst, name, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil && !errors.Is(err, unix.EOPNOTSUPP) {
		return fmt.Errorf("set times of %s: %w", path, err)
	}
	return nil
}
