package initproc

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// lookPath finds args[0] with the container's PATH the way Go's
// exec.LookPath does in runc's init, phrases included (Docker maps them to
// exit codes 126 and 127): a name with a slash is checked and its error
// named; a search that finds nothing executable is "not found".
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		if err := findExecutable(name); err != nil {
			return "", fmt.Errorf("exec: %q: %w", name, err)
		}
		return name, nil
	}
	path := defaultPath
	for _, e := range env {
		if strings.HasPrefix(e, "PATH=") {
			path = e[5:]
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		full := filepath.Join(dir, name)
		if findExecutable(full) != nil {
			continue
		}
		if !filepath.IsAbs(full) {
			return "", fmt.Errorf("exec: %q: cannot run executable found relative to current directory", name)
		}
		return full, nil
	}
	return "", fmt.Errorf("exec: %q: executable file not found in $PATH", name)
}

// findExecutable asks the kernel with the effective ids and capabilities
// (faccessat2 AT_EACCESS), so what execve(2) would run passes: access(2)
// uses the real uid without capabilities and refused a binary a user may
// run through CAP_DAC_OVERRIDE.
func findExecutable(file string) error {
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	if st.IsDir() {
		return unix.EISDIR
	}
	err = unix.Faccessat(unix.AT_FDCWD, file, unix.X_OK, unix.AT_EACCESS)
	// ENOSYS: no faccessat2; EPERM: a seccomp filter refuses it. Both fall
	// back to the mode bits, as Go does.
	if err == nil || !(errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM)) {
		return err
	}
	if st.Mode()&0o111 != 0 {
		return nil
	}
	return fs.ErrPermission
}
