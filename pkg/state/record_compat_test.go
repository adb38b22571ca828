package state

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// A record as the previous version wrote it (cgroup as an embedded blob,
// taken from a real v1 hybrid host; plus the "namespaces" field it
// declared but never filled): it must still load, its cgroup record
// typed, and a save must write the "cgroup" object back unchanged, so a
// previous version reading it again finds the same ownership.
const oldRecord = `{"id":"old","bundle":"/b","rootfs":"/b/rootfs","pid":20174,"pidStart":117344,"created":"2026-12-03T13:13:37.137498524Z","started":true,` +
	`"namespaces":{"net":"/proc/1/ns/net"},` +
	`"cgroup":{"layout":{"v1":{"freezer":"/sys/fs/cgroup/freezer","name=systemd":"/sys/fs/cgroup/systemd","pids":"/sys/fs/cgroup/pids"},"unified":"/sys/fs/cgroup/unified"},` +
	`"path":"/old","created":{"freezer":"/sys/fs/cgroup/freezer/old","pids":"/sys/fs/cgroup/pids/old"},"hybridUnified":true},` +
	`"audit":{"pid":7,"start":9}}`

func TestLoadsRecordOfPreviousVersion(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "old")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, recordFile), []byte(oldRecord), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(root, "old")
	if err != nil {
		t.Fatalf("old record: %v", err)
	}
	cg := c.Cgroup
	if cg == nil || cg.Path != "/old" || !cg.HybridUnified || cg.Layout.Unified != "/sys/fs/cgroup/unified" ||
		cg.Layout.V1["pids"] != "/sys/fs/cgroup/pids" || !cg.Owned("pids") || cg.Owned("name=systemd") {
		t.Fatalf("cgroup record decoded as %+v", cg)
	}
	if c.Pid != 20174 || c.PidStart != 117344 || !c.Started || c.Audit == nil || c.Audit.Pid != 7 {
		t.Fatalf("record decoded as %+v", c)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if got, want := cgroupJSON(t, filepath.Join(dir, recordFile)), cgroupJSON(t, ""); !bytes.Equal(got, want) {
		t.Fatalf("saved cgroup\n%s\nwant the old one\n%s", got, want)
	}
}

// A rootless container placed in no cgroup was recorded with an empty
// layout; it still reads as a record that places the container nowhere.
func TestLoadsOldRecordInNoCgroup(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "rl")
	os.Mkdir(dir, 0o700)
	rec := `{"id":"rl","pid":0,"pidStart":0,"created":"2026-12-03T13:13:37Z","started":false,"cgroup":{"layout":{},"path":"/rl","created":{}}}`
	if err := os.WriteFile(filepath.Join(dir, recordFile), []byte(rec), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(root, "rl")
	if err != nil {
		t.Fatal(err)
	}
	if c.Cgroup == nil || !c.Cgroup.InNone() || c.Cgroup.OwnsAny() {
		t.Fatalf("cgroup record decoded as %+v", c.Cgroup)
	}
	if s := c.Status(); s != Creating {
		t.Fatalf("status %q", s)
	}
}

// cgroupJSON is the "cgroup" member of the record file at path (of
// oldRecord when path is empty), compacted.
func cgroupJSON(t *testing.T, path string) []byte {
	t.Helper()
	b := []byte(oldRecord)
	if path != "" {
		var err error
		if b, err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
	}
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := json.Compact(&out, rec["cgroup"]); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
