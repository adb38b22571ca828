package state

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// RootFor is the default --root: runc's, so tools that look for a
// rootless runtime's state find it. An unprivileged caller cannot write
// /run, so its state lives in its own $XDG_RUNTIME_DIR (a per-user tmpfs
// that pam_systemd makes 0700). Root in a user namespace (rootless podman
// runs the runtime so) uses it too, unless $USER says it is the real root;
// the host's root keeps /run/minirun.
func RootFor(euid int, xdgRuntimeDir string, inUserNS bool, user string, userSet bool) string {
	if xdgRuntimeDir == "" {
		return DefaultRoot
	}
	if euid != 0 || (inUserNS && (!userSet || user != "root")) {
		return filepath.Join(xdgRuntimeDir, "minirun")
	}
	return DefaultRoot
}

// EnsurePrivateRoot makes a rootless caller's state root (0700) and
// refuses one another user could change: a record there names the pid
// and cgroup later commands signal and remove, so a root that is not the
// caller's own would let another user aim them.
func EnsurePrivateRoot(root string) error {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return fmt.Errorf("create state root %s: %w", root, err)
	}
	euid := os.Geteuid()
	if err := ownedAndClosed(root, euid, false); err != nil {
		return err
	}
	// Whoever may write the parent may rename the root away and put
	// their own in its place, unless the sticky bit stops them.
	return ownedAndClosed(filepath.Dir(root), euid, true)
}

func ownedAndClosed(dir string, euid int, parent bool) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("state root: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || !fi.IsDir() {
		return fmt.Errorf("state root: %s is not a directory", dir)
	}
	owner := int(st.Uid)
	writable := fi.Mode().Perm()&0o022 != 0
	sticky := fi.Mode()&os.ModeSticky != 0
	switch {
	case !parent && owner != euid:
		return fmt.Errorf("state root %s: owned by uid %d, not by the caller (uid %d); set XDG_RUNTIME_DIR or pass a --root of your own", dir, owner, euid)
	case !parent && writable:
		return fmt.Errorf("state root %s: writable by other users (mode %v); it must be 0700", dir, fi.Mode().Perm())
	case parent && owner != euid && owner != 0:
		return fmt.Errorf("state root: its parent %s is owned by uid %d, who could replace it", dir, owner)
	case parent && writable && !sticky:
		return fmt.Errorf("state root: its parent %s is writable by other users (mode %v), who could replace it", dir, fi.Mode().Perm())
	}
	return nil
}
