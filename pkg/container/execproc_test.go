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
