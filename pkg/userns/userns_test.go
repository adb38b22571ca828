package userns

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func withMaps(u, g []specs.LinuxIDMapping) *specs.Spec {
	return &specs.Spec{Linux: &specs.Linux{UIDMappings: u, GIDMappings: g}}
}

func TestValidate(t *testing.T) {
	full := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	cases := []struct {
		name        string
		s           *specs.Spec
		newNS, join bool
		want        string
	}{
		{"ok", withMaps(full, full), true, false, ""},
		{"no maps", withMaps(nil, nil), true, false, "needs both"},
		{"maps without ns", withMaps(full, full), false, false, "need a user namespace"},
		{"maps with joined ns not readable", withMaps(full, full), false, true, "linux.namespaces: read the mappings of user namespace"},
		{"zero size", withMaps([]specs.LinuxIDMapping{{Size: 0}}, full), true, false, "linux.uidMappings[0].size"},
		{"overlap", withMaps(full, []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 10}, {ContainerID: 5, HostID: 2000, Size: 10}}), true, false, "linux.gidMappings[1]: containerID range overlaps"},
	}
	for _, c := range cases {
		err := Validate(c.s, c.newNS, c.join)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

func TestHostID(t *testing.T) {
	maps := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 1000}, {ContainerID: 1000, HostID: 5000, Size: 10}}
	for id, want := range map[uint32]uint32{0: 100000, 999: 100999, 1005: 5005} {
		if got, err := HostID(maps, id); err != nil || got != want {
			t.Errorf("HostID(%d) = %d, %v; want %d", id, got, err, want)
		}
	}
	if _, err := HostID(maps, 2000); err == nil {
		t.Error("unmapped id accepted")
	}
	if got, _ := HostID(nil, 42); got != 42 {
		t.Errorf("no mappings: got %d", got)
	}
}
