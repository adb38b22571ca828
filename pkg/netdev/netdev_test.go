package netdev

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestValidate(t *testing.T) {
	netns := []specs.LinuxNamespace{{Type: specs.NetworkNamespace}}
	cases := []struct {
		ns   []specs.LinuxNamespace
		devs map[string]specs.LinuxNetDevice
		want string
	}{
		{netns, map[string]specs.LinuxNetDevice{"eth1": {Name: "eth0"}}, ""},
		{netns, map[string]specs.LinuxNetDevice{"eth1": {}}, ""},
		{nil, map[string]specs.LinuxNetDevice{"eth1": {}}, "needs a network namespace"},
		{netns, map[string]specs.LinuxNetDevice{"a/b": {}}, `invalid network device name "a/b"`},
		{netns, map[string]specs.LinuxNetDevice{"eth1": {Name: "a-name-far-too-long"}}, `linux.netDevices["eth1"].name`},
		{[]specs.LinuxNamespace{{Type: specs.NetworkNamespace, Path: "/proc/1/ns/net"}}, map[string]specs.LinuxNetDevice{"eth1": {}}, "only into a new network namespace"},
	}
	for _, c := range cases {
		err := Validate(&specs.Spec{Linux: &specs.Linux{Namespaces: c.ns, NetDevices: c.devs}})
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%v %v: %v, want %q", c.ns, c.devs, err, c.want)
		}
	}
}

func TestAttrsRoundTrip(t *testing.T) {
	b := append(attr(3, cstr("eth0")), attr(28, u32(7))...)
	got := attrs(b)
	if string(got[3]) != "eth0\x00" || len(got[28]) != 4 || got[28][0] != 7 {
		t.Fatalf("attrs %v", got)
	}
}
