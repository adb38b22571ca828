package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// lockDir holds one lock file per container id. Its name has a character
// no id may use, so it never collides with a state directory. The locks
// live beside the state dirs, not in them, because delete removes the
// state dir while it holds the lock.
const lockDir = "@locks"

// Lock serializes the commands that change one container (create, start,
// delete, kill, the spawn of exec): each runs start to end under it, so
// two never act on the same record at once. Readers (state, list) take no
// lock: records are replaced atomically. Nor do pause and resume: they
// change only the kernel's freezer state, and a spawn into a frozen
// cgroup (exec --ignore-paused) waits for them. A hook run under a
// command's lock (prestart, createRuntime, poststop) that calls minirun's
// create, start, delete or kill on the same id waits for that command,
// until the hook's own timeout.
type Lock struct {
	f    *os.File
	path string
}

// LockID takes the exclusive lock of id under root, waiting for a holder.
// Without a root there is no container to protect: it returns a nil Lock
// (whose methods do nothing) rather than create the root as a side effect
// of, say, a kill; create makes the root first.
func LockID(root, id string) (*Lock, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	if _, err := os.Stat(root); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return lockFile(root, id)
}

// cgroupsLock is the lock file of LockCgroups: not a valid id either.
const cgroupsLock = "@cgroups"

// LockCgroups takes the root-wide lock under which containers create
// their cgroups (and read each other's records for shared parents) and
// remove them, so a parent cgroup is never removed between a sibling's
// mkdir and its record (see cgroups.State.Adopt). Taken after a
// container's own lock, never before. Its file stays.
func LockCgroups(root string) (*Lock, error) {
	return lockFile(root, cgroupsLock)
}

func lockFile(root, name string) (*Lock, error) {
	dir := filepath.Join(root, lockDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		if errors.Is(err, unix.EROFS) {
			return nil, nil // see openLock
		}
		return nil, fmt.Errorf("create lock dir in state root %s: %w", root, err)
	}
	path := filepath.Join(dir, name)
	for {
		f, err := openLock(path)
		if err != nil {
			return nil, fmt.Errorf("open lock of %q: %w", name, err)
		}
		if f == nil {
			return nil, nil
		}
		if err := flock(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %q: %w", name, err)
		}
		// A holder that removed the file (delete) released a lock nobody
		// else can find: the file at path must be the one locked.
		if samefile(f, path) {
			return &Lock{f: f, path: path}, nil
		}
		f.Close()
	}
}

// openLock opens (or makes) a lock file. On a read-only root it opens an
// existing file read-only (flock needs no write access) and, without one,
// returns nil: no command can change a read-only root, so kill and state
// need no lock there, and create and delete fail on their own writes.
func openLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC, 0o600)
	if !errors.Is(err, unix.EROFS) {
		return f, err
	}
	f, err = os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return f, err
}

func flock(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

func samefile(f *os.File, path string) bool {
	var a, b unix.Stat_t
	return unix.Fstat(int(f.Fd()), &a) == nil && unix.Stat(path, &b) == nil && a.Dev == b.Dev && a.Ino == b.Ino
}

// Unlock releases the lock.
func (l *Lock) Unlock() {
	if l != nil {
		l.f.Close()
	}
}

// Release removes the lock file and releases the lock: for a delete, or a
// create that failed, so no file per id outlives its container. Waiters
// then find the file gone and make a new one.
func (l *Lock) Release() {
	if l != nil {
		os.Remove(l.path)
		l.f.Close()
	}
}
