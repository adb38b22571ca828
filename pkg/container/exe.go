package container

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// sealedExe copies the runtime binary into a sealed memfd. The container's
// init and exec'd processes run from it, so /proc/PID/exe never leads a
// container process to the host's minirun binary (CVE-2019-5736), and the
// copy itself cannot be written.
func sealedExe() (*os.File, error) {
	src, err := os.Open("/proc/self/exe")
	if err != nil {
		return nil, fmt.Errorf("open own binary: %w", err)
	}
	defer src.Close()
	fd, err := unix.MemfdCreate("minirun", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	dst := os.NewFile(uintptr(fd), "minirun-memfd")
	if err := copyInKernel(dst, src); err != nil {
		dst.Close()
		return nil, fmt.Errorf("copy own binary: %w", err)
	}
	seals := unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(dst.Fd(), unix.F_ADD_SEALS, seals); err != nil {
		dst.Close()
		return nil, fmt.Errorf("seal binary copy: %w", err)
	}
	return dst, nil
}

// copyInKernel copies with sendfile(2): one syscall per chunk and no pass
// through user space, the cheapest copy of the binary per container start.
func copyInKernel(dst, src *os.File) error {
	st, err := src.Stat()
	if err != nil {
		return err
	}
	for left := st.Size(); left > 0; {
		n, err := unix.Sendfile(int(dst.Fd()), int(src.Fd()), nil, int(left))
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("short copy: %d bytes left", left)
		}
		left -= int64(n)
	}
	return nil
}

// startFromReadonlyClone starts cmd from the runtime's own binary, seen
// through a detached, read-only clone of its mount (open_tree(2)
// OPEN_TREE_CLONE, then mount_setattr(2)). /proc/PID/exe of the child then
// leads to a file no container process can open for writing (EROFS), which
// is what the sealed copy buys (CVE-2019-5736), without copying the binary
// on every start. The clone is attached nowhere, so no mount namespace is
// changed: the container's namespace is copied from the caller's with the
// caller's propagation intact (a private bootstrap namespace cut every
// container off from host mount events: Kubernetes HostToContainer and
// Bidirectional volumes).
func startFromReadonlyClone(cmd *exec.Cmd) error {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil || !filepath.IsAbs(exe) {
		return errNoClone{fmt.Errorf("resolve own binary: %v", err)}
	}
	fd, err := unix.OpenTree(unix.AT_FDCWD, exe, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return errNoClone{fmt.Errorf("clone the mount of own binary: %w", err)}
	}
	defer unix.Close(fd)
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV}
	if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH, &attr); err != nil {
		return errNoClone{fmt.Errorf("make the clone of own binary read-only: %w", err)}
	}
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil || st.Flags&unix.ST_RDONLY == 0 {
		return errNoClone{fmt.Errorf("the clone of own binary is not read-only after mount_setattr")}
	}
	return startFromFd(cmd, fd)
}

// errNoClone reports that the read-only clone could not be made, before
// anything was started.
type errNoClone struct{ err error }

func (e errNoClone) Error() string { return e.err.Error() }
func (e errNoClone) Unwrap() error { return e.err }

// startFromFd execs the file open at fd. The fd is first moved above the
// ones the child inherits: the child dup2s ExtraFiles into 3..N before
// execve(2) resolves /proc/self/fd/FD, and must not resolve one of them.
// Before that, the Go runtime's child moves each file whose fd is below
// its slot, and its error pipe, up to N+1, N+2 ... (syscall.forkAndExecInChild
// "pass 1"), at most N+1 of them: FD must be above those too, or an
// ExtraFile lands on it and execve runs that (EACCES for a namespace fd).
func startFromFd(cmd *exec.Cmd, fd int) error {
	n := 3 + len(cmd.ExtraFiles)
	high, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 2*n+2)
	if err != nil {
		return fmt.Errorf("move binary fd: %w", err)
	}
	defer unix.Close(high)
	cmd.Path = "/proc/self/fd/" + strconv.Itoa(high)
	return cmd.Start()
}
