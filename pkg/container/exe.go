package container

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

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

// startFromReadonlyBind starts cmd from the runtime's own binary, seen
// through a read-only bind mount of itself in a private mount namespace
// made for the starting thread only. /proc/PID/exe of the child then leads
// to a file no container process can open for writing (EROFS), which is
// what the sealed copy buys (CVE-2019-5736), without copying the binary on
// every start. The thread stays locked and dies with that namespace.
func startFromReadonlyBind(cmd *exec.Cmd) error {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil || !filepath.IsAbs(exe) {
		return fmt.Errorf("resolve own binary: %v", err)
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
		errc <- func() error {
			if err := unix.Unshare(unix.CLONE_NEWNS | unix.CLONE_FS); err != nil {
				return fmt.Errorf("unshare mount namespace: %w", err)
			}
			// Because nothing done here may reach the host's mount table.
			if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
				return fmt.Errorf("make mounts private: %w", err)
			}
			if err := unix.Mount(exe, exe, "", unix.MS_BIND, ""); err != nil {
				return fmt.Errorf("bind own binary: %w", err)
			}
			if err := unix.Mount("", exe, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV, ""); err != nil {
				return fmt.Errorf("make own binary read-only: %w", err)
			}
			if !readOnlyMount(exe) {
				return fmt.Errorf("own binary is not on a read-only mount after the remount")
			}
			cmd.Path = exe
			return cmd.Start()
		}()
	}()
	return <-errc
}

func readOnlyMount(path string) bool {
	var st unix.Statfs_t
	return unix.Statfs(path, &st) == nil && st.Flags&unix.ST_RDONLY != 0
}
