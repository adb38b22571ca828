package state

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRootFor(t *testing.T) {
	if got := RootFor(0, "/run/user/0", false, "root", true); got != DefaultRoot {
		t.Errorf("root: %s, want %s", got, DefaultRoot)
	}
	if got := RootFor(1001, "/run/user/1001", false, "u", true); got != "/run/user/1001/minirun" {
		t.Errorf("user: %s", got)
	}
	if got := RootFor(1001, "", false, "u", true); got != DefaultRoot {
		t.Errorf("user without XDG_RUNTIME_DIR: %s", got)
	}
	if got := RootFor(0, "/run/user/1001", true, "u", true); got != "/run/user/1001/minirun" {
		t.Errorf("root in a user namespace (rootless podman): %s", got)
	}
	if got := RootFor(0, "/run/user/0", true, "root", true); got != DefaultRoot {
		t.Errorf("USER=root in a user namespace: %s", got)
	}
}

func TestOwnedAndClosed(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "minirun")
	if err := os.Mkdir(root, 0o700); err != nil {
		t.Fatal(err)
	}
	euid := os.Geteuid()
	if err := ownedAndClosed(root, euid, false); err != nil {
		t.Errorf("own 0700 dir: %v", err)
	}
	if err := ownedAndClosed(root, euid+1, false); err == nil || !strings.Contains(err.Error(), "owned by uid") {
		t.Errorf("another's dir: %v", err)
	}
	os.Chmod(root, 0o777)
	if err := ownedAndClosed(root, euid, false); err == nil || !strings.Contains(err.Error(), "writable by other") {
		t.Errorf("0777 dir: %v", err)
	}
	os.Chmod(dir, os.ModeSticky|0o777)
	if err := ownedAndClosed(dir, euid, true); err != nil {
		t.Errorf("sticky parent: %v", err)
	}
	os.Chmod(dir, 0o777)
	if err := ownedAndClosed(dir, euid, true); err == nil {
		t.Error("a world-writable parent without the sticky bit must be refused")
	}
}
