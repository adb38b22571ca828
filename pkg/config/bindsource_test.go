package config

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestResolveBindSources(t *testing.T) {
	s := &specs.Spec{Mounts: []specs.Mount{
		{Destination: "/a", Type: "bind", Source: "data"},
		{Destination: "/b", Type: "none", Source: "../vol", Options: []string{"rbind"}},
		{Destination: "/c", Type: "bind", Source: "/abs"},
		{Destination: "/d", Type: "tmpfs", Source: "tmpfs"},
	}}
	resolveBindSources("/run/bundle", s)
	want := []string{"/run/bundle/data", "/run/vol", "/abs", "tmpfs"}
	for i, m := range s.Mounts {
		if m.Source != want[i] {
			t.Errorf("mounts[%d].source %q, want %q", i, m.Source, want[i])
		}
	}
}
