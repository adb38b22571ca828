package integration

import (
	"fmt"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// runc 1.5: pids.limit 0 is pids.max 1 (the container's init runs, and
// cannot fork), a negative limit is max.
func TestPidsLimitZeroAndNegativeAsRunc(t *testing.T) {
	e := newEnv(t)
	file := "/sys/fs/cgroup/pids/pids.max"
	if cgroupV2() {
		file = "/sys/fs/cgroup/pids.max"
	}
	for i, c := range []struct {
		limit int64
		want  string
	}{{0, "1"}, {-1, "max"}, {5, "5"}} {
		id := fmt.Sprint("c", i)
		b := e.bundle(id, func(s *specs.Spec) {
			s.Linux.Resources.Pids = &specs.LinuxPids{Limit: &c.limit}
			s.Process.Args = []string{"cat", file}
		})
		if out := e.ok("run", "--bundle", b, id); strings.TrimSpace(out) != c.want {
			t.Errorf("limit %d: pids.max %q, want %q", c.limit, out, c.want)
		}
	}
}
