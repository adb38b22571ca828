package container

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// writePidFile writes pid to path atomically. The directory may be
// writable by others (a client's work dir), so nothing in it is followed:
// the temp file gets a fresh random name and O_EXCL|O_NOFOLLOW, and the
// rename replaces whatever is at path (a planted symlink included)
// instead of writing through it.
func writePidFile(path string, pid int) error {
	if path == "" {
		return nil
	}
	f, err := createTempExcl(filepath.Dir(path), "."+filepath.Base(path))
	if err != nil {
		return fmt.Errorf("write pid file: %w", err)
	}
	_, err = f.WriteString(strconv.Itoa(pid))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write pid file: %w", err)
	}
	return nil
}

// createTempExcl creates a new file dir/prefix.RANDOM.tmp that did not
// exist before, without following a symlink planted at that name.
func createTempExcl(dir, prefix string) (*os.File, error) {
	for i := 0; i < 10; i++ {
		var rnd [8]byte
		if _, err := rand.Read(rnd[:]); err != nil {
			return nil, fmt.Errorf("random temp name: %w", err)
		}
		name := filepath.Join(dir, prefix+"."+hex.EncodeToString(rnd[:])+".tmp")
		fd, err := unix.Open(name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create %s: %w", name, err)
		}
		return os.NewFile(uintptr(fd), name), nil
	}
	return nil, fmt.Errorf("create a temp file in %s: names keep existing", dir)
}
