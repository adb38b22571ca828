package cgroups

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestV1RefusesUnified(t *testing.T) {
	l := fakeV1(t, "pids")
	l.Unified = t.TempDir()
	s, err := Create(l, "/c", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Set(&specs.LinuxResources{Pids: &specs.LinuxPids{Limit: i64p(5)}, Unified: map[string]string{"pids.max": "3"}})
	if err == nil || !strings.Contains(err.Error(), "linux.resources.unified") {
		t.Fatalf("unified on v1: %v", err)
	}
}
