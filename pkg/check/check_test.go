package check

import (
	"strings"
	"testing"

	"github.com/minirun/minirun/pkg/specgen"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// clean is a config no rule fires on: the hardened spec with limits.
func clean() *specs.Spec {
	s := specgen.Default()
	specgen.Harden(s)
	limit, mem := int64(100), int64(256<<20)
	s.Linux.Resources = &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: &limit}, Memory: &specs.LinuxMemory{Limit: &mem}}
	s.Root.Readonly = true
	// The hardened spec's profile is a deny list (MR302 fires on it);
	// an allow list is what the clean config needs.
	s.Linux.Seccomp.DefaultAction = specs.ActErrno
	return s
}

func ids(fs []Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return strings.Join(out, " ")
}

func TestCleanConfigHasNoFindings(t *testing.T) {
	if fs := Run(clean(), Host{}); len(fs) != 0 {
		t.Fatalf("findings on the clean config: %+v", fs)
	}
}

func TestEachRuleFires(t *testing.T) {
	dropNS := func(t specs.LinuxNamespaceType) func(*specs.Spec) {
		return func(s *specs.Spec) {
			var ns []specs.LinuxNamespace
			for _, n := range s.Linux.Namespaces {
				if n.Type != t {
					ns = append(ns, n)
				}
			}
			s.Linux.Namespaces = ns
		}
	}
	addCap := func(name string) func(*specs.Spec) {
		return func(s *specs.Spec) { s.Process.Capabilities.Bounding = append(s.Process.Capabilities.Bounding, name) }
	}
	cases := map[string][]func(*specs.Spec){
		"MR101": {dropNS(specs.UserNamespace), func(s *specs.Spec) { s.Linux.UIDMappings[0].HostID = 0 }},
		"MR102": {dropNS(specs.PIDNamespace), dropNS(specs.NetworkNamespace), dropNS(specs.MountNamespace)},
		"MR201": {addCap("CAP_SYS_ADMIN"), func(s *specs.Spec) { s.Process.Capabilities.Ambient = []string{"cap_sys_module"} }},
		"MR202": {addCap("CAP_IPC_LOCK")},
		"MR203": {func(s *specs.Spec) { s.Process.NoNewPrivileges = false }},
		"MR301": {func(s *specs.Spec) { s.Linux.Seccomp = nil }},
		"MR302": {func(s *specs.Spec) { s.Linux.Seccomp.DefaultAction = specs.ActAllow }},
		"MR401": {func(s *specs.Spec) { s.Linux.Resources.Pids = nil }, func(s *specs.Spec) { *s.Linux.Resources.Pids.Limit = 0 }},
		"MR402": {func(s *specs.Spec) { s.Linux.Resources.Memory = nil }},
		"MR501": {func(s *specs.Spec) { s.Root.Readonly = false }},
		"MR502": {
			func(s *specs.Spec) {
				s.Mounts = append(s.Mounts, specs.Mount{Destination: "/host", Type: "bind", Source: "/"})
			},
			func(s *specs.Spec) {
				s.Mounts = append(s.Mounts, specs.Mount{Destination: "/d.sock", Source: "/var/run/docker.sock/", Options: []string{"rbind"}})
			},
		},
		"MR503": {func(s *specs.Spec) {
			var keep []string
			for _, p := range s.Linux.MaskedPaths {
				if p != "/proc/kcore" {
					keep = append(keep, p)
				}
			}
			s.Linux.MaskedPaths = keep
		}},
		"MR504": {func(s *specs.Spec) {
			s.Linux.Resources.Devices = []specs.LinuxDeviceCgroup{{Allow: true, Access: "rwm"}}
		}},
		"MR601": {func(s *specs.Spec) { s.Process.ApparmorProfile = "nginx" }, func(s *specs.Spec) { s.Process.SelinuxLabel = "system_u:system_r:container_t:s0" }},
	}
	if len(cases) != len(rules) {
		t.Fatalf("%d rules, %d with a case", len(rules), len(cases))
	}
	for id, mutations := range cases {
		for i, m := range mutations {
			s := clean()
			m(s)
			fs := Run(s, Host{})
			if len(fs) == 0 || !strings.Contains(ids(fs), id) {
				t.Errorf("%s case %d: findings %q", id, i, ids(fs))
			}
			for _, f := range fs {
				if f.ID == id && (f.Field == "" || f.Message == "") {
					t.Errorf("%s: finding without field or message: %+v", id, f)
				}
			}
		}
	}
}

func TestHostFactsAndNonSensitiveBinds(t *testing.T) {
	s := clean()
	s.Process.ApparmorProfile = "nginx"
	s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: "/srv/data"},
		specs.Mount{Destination: "/proc2", Type: "proc", Source: "/proc"})
	if fs := Run(s, Host{AppArmor: true}); len(fs) != 0 {
		t.Fatalf("findings %+v, want none: AppArmor exists, /srv/data is not sensitive, a proc mount is no bind", fs)
	}
}

func TestSeverityOrderAndParse(t *testing.T) {
	s := clean()
	s.Root.Readonly = false
	s.Mounts = append(s.Mounts, specs.Mount{Destination: "/host", Type: "bind", Source: "/"})
	fs := Run(s, Host{})
	if w, ok := Worst(fs); !ok || w != Critical || fs[len(fs)-1].Severity != Low {
		t.Fatalf("order: %+v", fs)
	}
	if v, err := ParseSeverity("HIGH"); err != nil || v != High {
		t.Fatalf("parse HIGH: %v %v", v, err)
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Fatal("unknown severity accepted")
	}
}
