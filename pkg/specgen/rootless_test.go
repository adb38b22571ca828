package specgen

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestRootless(t *testing.T) {
	s := Default()
	Rootless(s, 1001, 1002)
	var types []string
	for _, n := range s.Linux.Namespaces {
		types = append(types, string(n.Type))
	}
	if got := strings.Join(types, ","); strings.Contains(got, "network") || !strings.HasSuffix(got, "user") {
		t.Errorf("namespaces %s: want no network and a user namespace", got)
	}
	want := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1001, Size: 1}}
	if len(s.Linux.UIDMappings) != 1 || s.Linux.UIDMappings[0] != want[0] || s.Linux.GIDMappings[0].HostID != 1002 {
		t.Errorf("maps %v %v", s.Linux.UIDMappings, s.Linux.GIDMappings)
	}
	if s.Linux.Resources != nil {
		t.Errorf("resources %v, want none", s.Linux.Resources)
	}
	for _, m := range s.Mounts {
		if m.Destination == "/sys" && (m.Type != "none" || m.Options[0] != "rbind") {
			t.Errorf("/sys mount %+v, want a read-only rbind", m)
		}
		for _, o := range m.Options {
			if strings.HasPrefix(o, "gid=") {
				t.Errorf("%s keeps %s", m.Destination, o)
			}
		}
	}
}
