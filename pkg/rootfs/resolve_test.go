package rootfs

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func openRoot(t *testing.T) (string, int) {
	dir := t.TempDir()
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return dir, fd
}

func TestMkdirAllInRootFollowsLinksInsideRoot(t *testing.T) {
	root, fd := openRoot(t)
	outside := t.TempDir()
	// An absolute link to a host path and a relative one climbing out.
	os.Symlink(outside, filepath.Join(root, "abs"))
	os.Symlink("../../../../"+filepath.Base(outside), filepath.Join(root, "rel"))
	for _, p := range []string{"/abs/a/b", "/rel/c"} {
		d, err := mkdirAllInRoot(fd, p, 0o755)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		unix.Close(d)
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Fatalf("created outside the root: %v", ents)
	}
	if _, err := os.Stat(filepath.Join(root, outside, "a/b")); err != nil {
		t.Fatalf("absolute link not resolved inside root: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, filepath.Base(outside), "c")); err != nil {
		t.Fatalf("relative link not clamped to root: %v", err)
	}
}

func TestMkdirAllInRootLinkLoop(t *testing.T) {
	root, fd := openRoot(t)
	os.Symlink("/b", filepath.Join(root, "a"))
	os.Symlink("/a", filepath.Join(root, "b"))
	if _, err := mkdirAllInRoot(fd, "/a/x", 0o755); err == nil {
		t.Fatal("symlink loop accepted")
	}
}

func TestCreateFileInRoot(t *testing.T) {
	root, fd := openRoot(t)
	outside := t.TempDir()
	os.Symlink(outside, filepath.Join(root, "etc"))
	f, err := createFileInRoot(fd, "/etc/resolv.conf")
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(f)
	if _, err := os.Stat(filepath.Join(outside, "resolv.conf")); err == nil {
		t.Fatal("file created through the link on the host")
	}
}

// A dangling link as the last component is followed inside the root
// (relative or absolute), and a loop of them is refused.
func TestCreateFileInRootThroughDanglingLink(t *testing.T) {
	root, fd := openRoot(t)
	outside := t.TempDir()
	os.Mkdir(filepath.Join(root, "etc"), 0o755)
	os.Symlink(filepath.Join(outside, "hosts"), filepath.Join(root, "etc/hosts"))
	os.Symlink("../run/x/resolv.conf", filepath.Join(root, "etc/resolv.conf"))
	for p, want := range map[string]string{"/etc/hosts": filepath.Join(outside, "hosts"), "/etc/resolv.conf": "run/x/resolv.conf"} {
		f, err := createFileInRoot(fd, p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		unix.Close(f)
		if _, err := os.Lstat(filepath.Join(root, want)); err != nil {
			t.Errorf("%s: %s not created in the root: %v", p, want, err)
		}
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Fatalf("created outside the root: %v", ents)
	}
	os.Symlink("/etc/b", filepath.Join(root, "etc/a"))
	os.Symlink("/etc/a", filepath.Join(root, "etc/b"))
	if _, err := createFileInRoot(fd, "/etc/a"); err == nil {
		t.Fatal("symlink loop accepted")
	}
}

func TestStripRootfs(t *testing.T) {
	for in, want := range map[string]string{
		"/b/rootfs/mnt/x": "/mnt/x", "/b/rootfs/../rootfs/mnt": "/mnt", "/mnt": "/mnt",
		"/b/rootfsx/y": "/b/rootfsx/y", "/b/rootfs": "/b/rootfs",
	} {
		if got := stripRootfs("/b/rootfs/", in); got != want {
			t.Errorf("%s -> %s, want %s", in, got, want)
		}
	}
}
