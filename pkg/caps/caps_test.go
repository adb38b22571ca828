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
		Bounding: []string{"CAP_CHOWN", "CAP_NET_RAW"}, Ambient: []string{"cap_kill"},
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
