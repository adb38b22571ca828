package userns

import (
	"os"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestIsSelf(t *testing.T) {
	one := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1001, Size: 1}}
	if !isSelf(one, 1001) || isSelf(one, 1002) {
		t.Error("a one-id map of the caller's id is a self map, of another id not")
	}
	multi := append(one, specs.LinuxIDMapping{ContainerID: 1, HostID: 100000, Size: 65536})
	if isSelf(multi, 1001) || isSelf([]specs.LinuxIDMapping{{HostID: 1001, Size: 2}}, 1001) {
		t.Error("more than one id needs the helper")
	}
}

func TestUnprivilegedLeavesRootAsBefore(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	if deny, parent := Unprivileged([]specs.LinuxIDMapping{{HostID: 0, Size: 1}}, nil); deny || parent {
		t.Error("root writes every map itself, with setgroups untouched")
	}
}

func TestHelperMissingSaysWhatToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := helper("newgidmap", "/etc/subgid", 1, []specs.LinuxIDMapping{{HostID: 100000, Size: 10}})
	if err == nil || !strings.Contains(err.Error(), "linux.gidMappings") || !strings.Contains(err.Error(), "uidmap") || !strings.Contains(err.Error(), "/etc/subgid") {
		t.Errorf("error %v: want the field, the package and the file", err)
	}
}
