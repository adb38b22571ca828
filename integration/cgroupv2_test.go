package integration

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// These run on a real cgroup v2 kernel: the VM of `make vmtest`.
func requireV2(t *testing.T) {
	if !cgroupV2() {
		t.Skip("needs a pure cgroup v2 host: run by `make vmtest` in a VM")
	}
}

func v2File(e *env, id, file string) string {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join("/sys/fs/cgroup", e.cgroup, id, file))
	must(e.t, err)
	return strings.TrimSpace(string(b))
}

func TestV2CPUAndFreezeAndUpdate(t *testing.T) {
	requireV2(t)
	e := newEnv(t)
	shares, quota, period := uint64(1024), int64(50000), uint64(100000)
	runningSleep(e, "c", func(s *specs.Spec) {
		s.Linux.Resources.CPU = &specs.LinuxCPU{Shares: &shares, Quota: &quota, Period: &period, Cpus: "0"}
	})
	if v2File(e, "c", "cpu.weight") != "39" || v2File(e, "c", "cpu.max") != "50000 100000" || v2File(e, "c", "cpuset.cpus") != "0" {
		t.Fatalf("cpu.weight %s cpu.max %s cpuset.cpus %s", v2File(e, "c", "cpu.weight"), v2File(e, "c", "cpu.max"), v2File(e, "c", "cpuset.cpus"))
	}
	e.ok("pause", "c")
	if !strings.Contains(v2File(e, "c", "cgroup.events"), "frozen 1") || e.state("c")["status"] != "paused" {
		t.Fatal("pause did not freeze the cgroup")
	}
	e.ok("resume", "c")
	if !strings.Contains(v2File(e, "c", "cgroup.events"), "frozen 0") {
		t.Fatal("resume did not thaw the cgroup")
	}
	e.ok("update", "--pids-limit", "77", "c")
	if v2File(e, "c", "pids.max") != "77" {
		t.Fatal("update did not reach pids.max")
	}
}

// The init is in its cgroup before it runs, and a cgroup namespace shows it as "/".
func TestV2PlacementAndCgroupNamespace(t *testing.T) {
	requireV2(t)
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"cat", "/proc/self/cgroup"} })
	if out := e.ok("run", "--bundle", b, "c"); strings.TrimSpace(out) != "0::/" {
		t.Fatalf("container sees its cgroup as %q, want 0::/", out)
	}
	runningSleep(e, "d", nil)
	host, _ := os.ReadFile("/proc/" + strconv.Itoa(e.pid("d")) + "/cgroup")
	if strings.TrimSpace(string(host)) != "0::"+e.cgroup+"/d" {
		t.Fatalf("init is in %q, want %s/d", host, e.cgroup)
	}
}
