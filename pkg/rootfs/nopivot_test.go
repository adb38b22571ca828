package rootfs

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestKernelFSMounts(t *testing.T) {
	mi := `22 27 0:21 / /proc rw,relatime - proc proc rw
23 27 0:22 / /sys rw,relatime - sysfs sysfs rw
24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw
40 22 0:40 / /proc/sys/fs/binfmt_misc rw - binfmt_misc binfmt_misc rw
41 27 0:21 /sys /srv/procsys ro - proc proc rw
42 27 0:45 / /run/bundle/rootfs/proc rw - proc proc rw
43 27 0:46 / /run/bundle/rootfs/sys rw - sysfs sysfs rw
44 27 0:47 / /run/bundle/rootfs2/proc rw - proc proc rw
45 27 0:48 / /mnt/with\040space rw - proc proc rw
`
	path := filepath.Join(t.TempDir(), "mountinfo")
	if err := os.WriteFile(path, []byte(mi), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := kernelFSMounts(path, "/run/bundle/rootfs")
	if err != nil {
		t.Fatal(err)
	}
	// Not binfmt_misc (another type), not a partial proc mount, not the
	// container's own, but a sibling directory's that shares a prefix.
	want := []string{"/proc", "/sys", "/run/bundle/rootfs2/proc", "/mnt/with space"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestUnescapeMountinfo(t *testing.T) {
	for in, want := range map[string]string{`/a\040b`: "/a b", `/a\134b`: `/a\b`, `/a\0`: `/a\0`, `/tab\011`: "/tab\t", `/plain`: "/plain"} {
		if got := unescapeMountinfo(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}
