package container

import (
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// -u names the uid and maybe the gid; everything else of the config's
// user stays, and --additional-gids adds to the config's groups (runc).
func TestExecUserOverridesOnlyWhatItNames(t *testing.T) {
	umask := uint32(0o027)
	base := &specs.Process{Args: []string{"sleep"}, User: specs.User{UID: 1000, GID: 1000,
		AdditionalGids: []uint32{2000, 3000}, Umask: &umask}}
	cases := []struct {
		user string
		gids []int
		want specs.User
	}{
		{"", nil, base.User},
		{"1001", nil, specs.User{UID: 1001, GID: 1000, AdditionalGids: []uint32{2000, 3000}, Umask: &umask}},
		{"1001:1002", nil, specs.User{UID: 1001, GID: 1002, AdditionalGids: []uint32{2000, 3000}, Umask: &umask}},
		{"0:0", []int{4000}, specs.User{UID: 0, GID: 0, AdditionalGids: []uint32{2000, 3000, 4000}, Umask: &umask}},
	}
	for _, c := range cases {
		p, err := buildProcess(base, ExecOptions{Args: []string{"id"}, User: c.user, AdditionalGids: c.gids})
		if err != nil {
			t.Fatalf("-u %q: %v", c.user, err)
		}
		if !reflect.DeepEqual(p.User, c.want) {
			t.Errorf("-u %q -g %v: %+v, want %+v", c.user, c.gids, p.User, c.want)
		}
	}
	if !reflect.DeepEqual(base.User.AdditionalGids, []uint32{2000, 3000}) {
		t.Errorf("the config's groups were changed in place: %v", base.User.AdditionalGids)
	}
	for _, bad := range []string{"x", "1:y", ":1", "-1", "1:"} {
		if _, err := buildProcess(base, ExecOptions{Args: []string{"id"}, User: bad}); err == nil {
			t.Errorf("-u %q accepted", bad)
		}
	}
}

// runc 1.5's exec --cap: bounding, effective and permitted always; ambient
// only where the config's inheritable set already holds it (the kernel
// refuses an ambient capability that is not inheritable, and runc only
// warns); inheritable never (CVE-2022-29162).
func TestExecCapSets(t *testing.T) {
	base := &specs.Process{Args: []string{"sleep"}, Capabilities: &specs.LinuxCapabilities{
		Bounding: []string{"CAP_KILL"}, Inheritable: []string{"CAP_NET_ADMIN"}}}
	p, err := buildProcess(base, ExecOptions{Args: []string{"id"}, Caps: []string{"net_admin", "CAP_SYS_TIME"}})
	if err != nil {
		t.Fatal(err)
	}
	c := p.Capabilities
	want := map[string][]string{
		"bounding":    {"CAP_KILL", "CAP_NET_ADMIN", "CAP_SYS_TIME"},
		"effective":   {"CAP_NET_ADMIN", "CAP_SYS_TIME"},
		"permitted":   {"CAP_NET_ADMIN", "CAP_SYS_TIME"},
		"inheritable": {"CAP_NET_ADMIN"},
		"ambient":     {"CAP_NET_ADMIN"},
	}
	got := map[string][]string{"bounding": c.Bounding, "effective": c.Effective, "permitted": c.Permitted,
		"inheritable": c.Inheritable, "ambient": c.Ambient}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sets %v, want %v", got, want)
	}
	if len(base.Capabilities.Ambient) != 0 {
		t.Errorf("the config's sets were changed in place: %v", base.Capabilities)
	}
}
