package userns

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// fakeProc writes a /proc/<pid> with ns/user, uid_map and gid_map.
func fakeProc(t *testing.T, pid, uidMap, gidMap string) (root, nsPath string) {
	t.Helper()
	root = t.TempDir()
	dir := filepath.Join(root, pid)
	if err := os.MkdirAll(filepath.Join(dir, "ns"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"ns/user": "", "uid_map": uidMap, "gid_map": gidMap} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A second process in another namespace, to be skipped by the scan.
	other := filepath.Join(root, "7", "ns")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "user"), nil, 0o644)
	// The config names the namespace by a path that is not /proc/<pid>/...:
	// a bind mount, here a hard link to the same inode.
	nsPath = filepath.Join(t.TempDir(), "pinned-userns")
	if err := os.Link(filepath.Join(dir, "ns/user"), nsPath); err != nil {
		t.Fatal(err)
	}
	return root, nsPath
}

func joinSpec(path string, u, g []specs.LinuxIDMapping) *specs.Spec {
	s := withMaps(u, g)
	s.Linux.Namespaces = []specs.LinuxNamespace{{Type: specs.UserNamespace, Path: path}}
	return s
}

func TestJoinedUserNamespaceMappings(t *testing.T) {
	m := func(c, h, n uint32) specs.LinuxIDMapping {
		return specs.LinuxIDMapping{ContainerID: c, HostID: h, Size: n}
	}
	root, ns := fakeProc(t, "42", "         0     100000      65536\n", "0 100000 1000\n1000 200000 10\n")
	uid := []specs.LinuxIDMapping{m(0, 100000, 65536)}
	gid := []specs.LinuxIDMapping{m(0, 100000, 1000), m(1000, 200000, 10)}
	cases := []struct {
		name     string
		uid, gid []specs.LinuxIDMapping
		want     string
	}{
		{"same", uid, gid, ""},
		{"uid differs", []specs.LinuxIDMapping{m(0, 100001, 65536)}, gid, "linux.uidMappings: user namespaces enabled, but both namespace path and non-matching mapping specified"},
		{"gid reordered", uid, []specs.LinuxIDMapping{gid[1], gid[0]}, "linux.gidMappings: user namespaces enabled"},
		{"gid missing", uid, nil, "linux.gidMappings"},
	}
	for _, c := range cases {
		err := checkJoined(joinSpec(ns, c.uid, c.gid), root)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	empty := t.TempDir()
	if err := checkJoined(joinSpec(ns, uid, gid), empty); err == nil || !strings.Contains(err.Error(), "no process is in that user namespace") {
		t.Errorf("no process in the namespace: %v", err)
	}
}

func TestReadMapRefusesGarbage(t *testing.T) {
	p := filepath.Join(t.TempDir(), "uid_map")
	os.WriteFile(p, []byte("0 1\n"), 0o644)
	if _, err := readMap(p); err == nil {
		t.Fatal("a two-field line was accepted")
	}
}
