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
