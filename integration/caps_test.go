package integration

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestCapabilitySetsForRootAndNonRoot(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name                    string
		user                    specs.User
		caps                    *specs.LinuxCapabilities
		bnd, eff, prm, inh, amb string
	}{
		{"root-default", specs.User{}, nil, "0000000020000420", "0000000020000420", "0000000020000420", "0000000000000000", "0000000000000000"},
		{"nonroot-ambient", specs.User{UID: 1000, GID: 1000}, &specs.LinuxCapabilities{
			Bounding: []string{"CAP_NET_BIND_SERVICE", "CAP_KILL"}, Effective: []string{"CAP_NET_BIND_SERVICE"},
			Permitted: []string{"CAP_NET_BIND_SERVICE"}, Inheritable: []string{"CAP_NET_BIND_SERVICE"},
			Ambient: []string{"CAP_NET_BIND_SERVICE"}}, "0000000000000420", "0000000000000400", "0000000000000400", "0000000000000400", "0000000000000400"},
		{"nonroot-no-ambient", specs.User{UID: 1000, GID: 1000}, &specs.LinuxCapabilities{
			Bounding: []string{"CAP_CHOWN"}, Effective: []string{"CAP_CHOWN"}, Permitted: []string{"CAP_CHOWN"}},
			"0000000000000001", "0000000000000000", "0000000000000000", "0000000000000000", "0000000000000000"},
	}
	for _, c := range cases {
		b := e.bundle(c.name, func(s *specs.Spec) {
			s.Process.User = c.user
			if c.caps != nil {
				s.Process.Capabilities = c.caps
			}
		})
		r := parseProbe(t, e.ok("run", "--bundle", b, c.name))
		got := [5]string{r.Status["CapBnd"], r.Status["CapEff"], r.Status["CapPrm"], r.Status["CapInh"], r.Status["CapAmb"]}
		want := [5]string{c.bnd, c.eff, c.prm, c.inh, c.amb}
		if got != want {
			t.Errorf("%s: Bnd/Eff/Prm/Inh/Amb = %v, want %v", c.name, got, want)
		}
	}
}
