package container

import (
	"fmt"
	"os"

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
