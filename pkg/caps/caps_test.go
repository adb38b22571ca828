package caps

import (
	"strings"
	"testing"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestValidateNamesField(t *testing.T) {
	s := &specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{
		Bounding: []string{"CAP_CHOWN", "CAP_KILL", "CAP_FOO"},
	}}}
	err := Validate(s)
	if err == nil || err.Error() != `process.capabilities.bounding[2]: unknown capability "CAP_FOO"` {
		t.Fatalf("got %v", err)
	}
}

func TestResolve(t *testing.T) {
	sets, warn := Resolve(&specs.LinuxCapabilities{
		Bounding: []string{"CAP_CHOWN", "CAP_NET_RAW"}, Permitted: []string{"CAP_KILL"},
		Inheritable: []string{"CAP_KILL"}, Ambient: []string{"cap_kill"},
	})
	if len(warn) != 0 {
		t.Fatalf("warnings %v", warn)
	}
	if len(sets.Bounding) != 2 || sets.Bounding[0] != capability.CAP_CHOWN || sets.Bounding[1] != capability.CAP_NET_RAW {
		t.Fatalf("bounding %v", sets.Bounding)
	}
	if got := strings.Join(Names(sets.Ambient), ","); got != "CAP_KILL" {
		t.Fatalf("ambient %s", got)
	}
}

// runc 1.5 (and its bundle of `runc spec`, ambient without inheritable):
// an ambient capability that is not also permitted and inheritable cannot
// be raised; it is skipped with a warning instead of failing the container.
func TestResolveSkipsAmbientNotInheritable(t *testing.T) {
	s, warnings := Resolve(&specs.LinuxCapabilities{
		Permitted:   []string{"CAP_KILL", "CAP_CHOWN", "CAP_NET_RAW"},
		Inheritable: []string{"CAP_CHOWN", "CAP_SETUID"},
		Ambient:     []string{"CAP_KILL", "CAP_CHOWN", "CAP_SETUID"},
	})
	if got := Names(s.Ambient); len(got) != 1 || got[0] != "CAP_CHOWN" {
		t.Fatalf("ambient %v, want only CAP_CHOWN (in both permitted and inheritable)", got)
	}
	joined := strings.Join(warnings, "\n")
	for _, c := range []string{"CAP_KILL", "CAP_SETUID"} {
		if !strings.Contains(joined, c) {
			t.Errorf("no warning for the skipped ambient %s: %q", c, joined)
		}
	}
}

// A capability the runtime itself lacks cannot be granted: it is skipped in
// every set with one warning (runtime-spec: warn, do not fail).
func TestResolveSkipsCapsTheRuntimeLacks(t *testing.T) {
	old := runtimeBounding
	runtimeBounding = func() func(capability.Cap) bool {
		return func(cp capability.Cap) bool { return cp != capability.CAP_SYS_RESOURCE }
	}
	defer func() { runtimeBounding = old }()
	all := []string{"CAP_KILL", "CAP_SYS_RESOURCE"}
	s, warnings := Resolve(&specs.LinuxCapabilities{Bounding: all, Effective: all, Permitted: all, Inheritable: all, Ambient: all})
	for name, set := range map[string][]capability.Cap{"bounding": s.Bounding, "effective": s.Effective, "ambient": s.Ambient} {
		if got := strings.Join(Names(set), ","); got != "CAP_KILL" {
			t.Errorf("%s %s, want CAP_KILL only", name, got)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "CAP_SYS_RESOURCE") {
		t.Fatalf("warnings %q, want one naming CAP_SYS_RESOURCE", warnings)
	}
}
