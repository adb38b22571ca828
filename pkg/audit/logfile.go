package audit

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// OpenLog opens (or creates) the audit log for appending: never through a
// final symlink, never blocking on a FIFO, and only a regular file, so a
// path a container can influence cannot aim root's writes elsewhere or
// hang the runtime.
func OpenLog(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0o600)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file", path)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
