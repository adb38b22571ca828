package integration

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestUnappliedFieldsRefused: a config field or mount option minirun does
// not apply is refused by name before anything is made, never dropped in
// silence (the old binary started these containers).
func TestUnappliedFieldsRefused(t *testing.T) {
	e := newEnv(t)
	bind := func(opts ...string) func(*specs.Spec) {
		return func(s *specs.Spec) {
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: e.dir, Options: append([]string{"rbind"}, opts...)})
		}
	}
	cases := []struct {
		name   string
		mutate func(*specs.Spec)
		want   string
	}{
		{"rdt", func(s *specs.Spec) { s.Linux.IntelRdt = &specs.LinuxIntelRdt{ClosID: "c1"} }, "linux.intelRdt: the host has no resctrl filesystem"},
		{"rdma", func(s *specs.Spec) {
			s.Linux.Resources.Rdma = map[string]specs.LinuxRdma{"mlx5_1": {}}
		}, "linux.resources.rdma: the host has no rdma cgroup controller"},
		{"cmdline", func(s *specs.Spec) { s.Process.CommandLine = "sh" }, "process.commandLine: is a Windows field"},
		{"windows", func(s *specs.Spec) { s.Windows = &specs.Windows{} }, "windows: not supported on Linux"},
		{"hier", func(s *specs.Spec) {
			f := false
			s.Linux.Resources.Memory = &specs.LinuxMemory{UseHierarchy: &f}
		}, "linux.resources.memory.useHierarchy"},
		{"bogus", bind("bogus"), `].options: unknown mount option "bogus"`},
		{"mand", bind("mand"), `].options: "mand": the kernel no longer supports mandatory locking`},
		{"sync", bind("sync"), `].options: "sync" is a filesystem flag a bind mount cannot change`},
	}
	for _, c := range cases {
		b := e.bundle(c.name, c.mutate)
		r := e.run("create", "--bundle", b, c.name)
		if r.code != 1 || !strings.Contains(r.stderr, c.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("%s: exit %d, stderr %q, want one line with %q", c.name, r.code, r.stderr, c.want)
		}
		e.checkNothingLeft(c.name, c.name)
	}
}
