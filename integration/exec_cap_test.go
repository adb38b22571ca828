package integration

import (
	"strconv"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// runc 1.5's exec --cap X also raises ambient X when the config's
// inheritable set holds X (exec.go), so a non-root program keeps it.
func TestExecCapRaisesAmbientWhereInheritable(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "c", func(s *specs.Spec) {
		c := s.Process.Capabilities
		c.Bounding = append(c.Bounding, "CAP_NET_ADMIN") // an inheritable capability must be bounded
		c.Inheritable = []string{"CAP_NET_ADMIN"}
	})
	r := parseProbe(t, e.ok("exec", "--cap", "CAP_NET_ADMIN", "-u", "1000:1000", "c", "/bin/probe"))
	const netAdmin = 1 << 12
	for set, want := range map[string]bool{"CapBnd": true, "CapEff": true, "CapPrm": true, "CapInh": true, "CapAmb": true} {
		v, _ := strconv.ParseUint(r.Status[set], 16, 64)
		if (v&netAdmin != 0) != want {
			t.Errorf("%s = %s: CAP_NET_ADMIN present=%v, want %v", set, r.Status[set], v&netAdmin != 0, want)
		}
	}
}
