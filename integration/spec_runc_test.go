package integration

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// `runc spec` gives a cgroup namespace only on a cgroup v2 host.
func TestSpecNamespacesAsRunc(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command(minirun, "spec", "--bundle", dir).CombinedOutput(); err != nil {
		t.Fatalf("spec: %v: %s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	must(t, err)
	var s specs.Spec
	must(t, json.Unmarshal(b, &s))
	var got []specs.LinuxNamespaceType
	for _, ns := range s.Linux.Namespaces {
		got = append(got, ns.Type)
	}
	want := []specs.LinuxNamespaceType{"pid", "network", "ipc", "uts", "mount"}
	if cgroupV2() {
		want = append(want, "cgroup")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("namespaces %v, want runc's %v", got, want)
	}
}
