package rootfs

import (
	"os"
	"path/filepath"
	"testing"
)

// A source spelled through a host link to the bundle is still the
// rootfs's; one that is not below it is the host's.
func TestSourceInRootfsThroughHostLink(t *testing.T) {
	dir := t.TempDir()
	rootfs := filepath.Join(dir, "bundle", "rootfs")
	if err := os.MkdirAll(filepath.Join(rootfs, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "bundle"), link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		src, inner string
		ok         bool
	}{
		{filepath.Join(rootfs, "data"), "/data", true},
		{filepath.Join(link, "rootfs", "data"), "/data", true},
		{filepath.Join(link, "rootfs", "data", "x", "y"), "/data/x/y", true},
		{filepath.Join(dir, "bundle", "other"), "", false},
		{"/etc", "", false},
	} {
		inner, ok := sourceInRootfs(rootfs, c.src)
		if ok != c.ok || (ok && inner != c.inner) {
			t.Errorf("%s: %q %v, want %q %v", c.src, inner, ok, c.inner, c.ok)
		}
	}
}

// A host link may point into a subdirectory of the rootfs, or at an image
// link: the path still enters the rootfs, so the rest is the container's.
// Read on the host, rootfs/evil (an image link to "/") would make the
// source the host's root.
func TestSourceInRootfsThroughHostLinkIntoSubdirectory(t *testing.T) {
	dir := t.TempDir()
	rootfs := filepath.Join(dir, "bundle", "rootfs")
	if err := os.MkdirAll(filepath.Join(rootfs, "sub", "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/", filepath.Join(rootfs, "evil")); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"tosub":    filepath.Join(rootfs, "sub"),
		"tosubetc": filepath.Join(rootfs, "sub", "etc"),
		"toevil":   filepath.Join(rootfs, "evil"),
		"relative": "bundle/rootfs/sub",
		"chain":    filepath.Join(dir, "tosub"),
		"dotdot":   rootfs + "/sub/etc/..",
		"outside":  filepath.Join(dir, "bundle"),
		"loop":     filepath.Join(dir, "loop"),
		"hostetc":  "/etc",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	at := func(p ...string) string { return filepath.Join(append([]string{dir}, p...)...) }
	for _, c := range []struct {
		src, inner string
		ok         bool
	}{
		{at("tosub", "etc"), "/sub/etc", true},
		{at("tosubetc"), "/sub/etc", true},
		{at("toevil"), "/evil", true},
		{at("toevil", "etc", "shadow"), "/evil/etc/shadow", true},
		{at("relative", "etc"), "/sub/etc", true},
		{at("chain", "etc"), "/sub/etc", true},
		{at("dotdot"), "/sub/etc/..", true},
		{at("outside", "other"), "", false},
		{at("loop", "x"), "", false},
		{at("hostetc"), "", false},
		{at("missing", "x"), "", false},
	} {
		inner, ok := sourceInRootfs(rootfs, c.src)
		if ok != c.ok || (ok && inner != c.inner) {
			t.Errorf("%s: %q %v, want %q %v", c.src, inner, ok, c.inner, c.ok)
		}
	}
}
