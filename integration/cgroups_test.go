package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func v1File(e *env, id, ctrl, file string) string {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join("/sys/fs/cgroup", ctrl, e.cgroup, id, file))
	must(e.t, err)
	return strings.TrimSpace(string(b))
}

// cgFile reads one of the container's cgroup files from the v1 hierarchy
// of ctrl, or from the unified directory on a cgroup v2 host (the VM).
func cgFile(e *env, id, ctrl, v1name, v2name string) string {
	e.t.Helper()
	if cgroupV2() {
		return v2File(e, id, v2name)
	}
	return v1File(e, id, ctrl, v1name)
}

// The fork bomb and OOM tests run on this v1 host and in the v2 VM.
func TestPidsLimitHoldsAForkBomb(t *testing.T) {
	e := newEnv(t)
	limit := int64(64)
	runningSleep(e, "bomb", func(s *specs.Spec) {
		s.Linux.Resources.Pids = &specs.LinuxPids{Limit: &limit}
		// A shell fork bomb: every function call forks two more.
		s.Process.Args = []string{"sh", "-c", "f() { f | f & }; f; sleep 1000"}
	})
	pids := func(file string) string { return cgFile(e, "bomb", "pids", file, file) }
	waitFor(t, "the pid limit to be hit", func() bool { return !strings.HasSuffix(pids("pids.events"), "max 0") })
	if cur, _ := strconv.Atoi(pids("pids.current")); cur > 64 {
		t.Fatalf("pids.current %d exceeds the limit", cur)
	}
	if pids("pids.max") != "64" {
		t.Fatal("pids.max not 64")
	}
	start := time.Now()
	e.ok("delete", "--force", "bomb")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("delete --force of a fork bomb took %v", d)
	}
	for _, d := range cgroupDirs(e.cgroup + "/bomb") {
		if _, err := os.Stat(d); err == nil {
			t.Fatalf("cgroup %s left after delete --force", d)
		}
	}
	t.Logf("delete --force of a fork bomb: %v", time.Since(start))
}

func TestMemoryOOMKillShowsInEvents(t *testing.T) {
	e := newEnv(t)
	limit := int64(16 << 20)
	runningSleep(e, "oom", func(s *specs.Spec) {
		s.Linux.Resources.Memory = &specs.LinuxMemory{Limit: &limit, Swap: &limit}
		s.Process.Args = []string{"sleep", "1000"}
	})
	if cgFile(e, "oom", "memory", "memory.limit_in_bytes", "memory.max") != strconv.Itoa(16<<20) {
		t.Fatal("memory limit not written")
	}
	// dd fills a 64 MiB buffer, beyond the 16 MiB limit.
	r := e.run("exec", "oom", "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1")
	if r.code == 0 {
		t.Fatal("allocation beyond the memory limit succeeded")
	}
	var ev struct {
		Data struct {
			Memory struct{ OOMKills uint64 }
		}
	}
	must(t, json.Unmarshal([]byte(e.ok("events", "--stats", "oom")), &ev))
	if ev.Data.Memory.OOMKills == 0 {
		t.Fatal("events --stats reports no OOM kill")
	}
}

func TestPauseResumePsUpdate(t *testing.T) {
	requireV1(t)
	e := newEnv(t)
	runningSleep(e, "c", nil)
	e.ok("exec", "-d", "c", "sleep", "500")
	var pids []int
	must(t, json.Unmarshal([]byte(e.ok("ps", "--format", "json", "c")), &pids))
	if len(pids) != 2 {
		t.Fatalf("ps json: %v, want 2 processes", pids)
	}
	if out := e.ok("ps", "c"); !strings.Contains(out, "sleep 500") || !strings.Contains(out, "PID") {
		t.Fatalf("ps table: %q", out)
	}
	e.ok("pause", "c")
	if v1File(e, "c", "freezer", "freezer.state") != "FROZEN" || e.state("c")["status"] != "paused" {
		t.Fatal("pause did not freeze")
	}
	e.ok("resume", "c")
	if v1File(e, "c", "freezer", "freezer.state") != "THAWED" || e.state("c")["status"] != "running" {
		t.Fatal("resume did not thaw")
	}
	e.ok("update", "--pids-limit", "99", "--cpu-quota", "20000", "--cpu-period", "100000", "--memory", "64m", "c")
	if v1File(e, "c", "pids", "pids.max") != "99" || v1File(e, "c", "cpu", "cpu.cfs_quota_us") != "20000" ||
		v1File(e, "c", "memory", "memory.limit_in_bytes") != strconv.Itoa(64<<20) {
		t.Fatal("update did not reach the cgroup files")
	}
	res := filepath.Join(e.dir, "res.json")
	must(t, os.WriteFile(res, []byte(`{"pids":{"limit":42}}`), 0o644))
	e.ok("update", "--resources", res, "c")
	if v1File(e, "c", "pids", "pids.max") != "42" {
		t.Fatal("update --resources did not apply")
	}
	e.ok("pause", "c")
	e.ok("kill", "--all", "c", "KILL")
	waitFor(t, "stopped after kill of a paused container", func() bool { return e.state("c")["status"] == "stopped" })
}

// On v1 the devices files, on v2 the eBPF device program.
func TestDevicesCgroupDeniesOthers(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sh", "-c", "mknod /tmp/mem c 1 1 && echo mknod-ok; head -c 1 /tmp/mem >/dev/null 2>&1 || echo denied; echo x > /dev/null && echo null-ok"}
		s.Root.Readonly = false
		s.Process.Capabilities.Bounding = append(s.Process.Capabilities.Bounding, "CAP_MKNOD")
		s.Process.Capabilities.Effective = append(s.Process.Capabilities.Effective, "CAP_MKNOD")
		s.Process.Capabilities.Permitted = append(s.Process.Capabilities.Permitted, "CAP_MKNOD")
	})
	out := e.ok("run", "--bundle", b, "c")
	if out != "mknod-ok\ndenied\nnull-ok\n" {
		t.Fatalf("output %q: want mknod to work, /dev/mem denied, /dev/null allowed", out)
	}
}

// With --systemd-cgroup and no systemd, slice:prefix:name maps to the
// cgroupfs path systemd would use, and nothing of it survives delete.
func TestSystemdCgroupPathWithoutSystemd(t *testing.T) {
	e := newEnv(t)
	slice := fmt.Sprintf("minirunit%d.slice", time.Now().UnixNano()%1e6)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Linux.CgroupsPath = slice + ":test:c1"
		s.Process.Args = []string{"sleep", "100"}
	})
	e.ok("--systemd-cgroup", "run", "-d", "--bundle", b, "c1")
	want := "/" + slice + "/test-c1.scope"
	cg, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", e.pid("c1")))
	if !strings.Contains(string(cg), ":"+want+"\n") {
		t.Fatalf("init cgroups %q, want %s", cg, want)
	}
	e.ok("delete", "--force", "c1")
	for _, d := range cgroupDirs("/" + slice) {
		if _, err := os.Stat(d); err == nil {
			t.Fatalf("%s left behind", d)
		}
	}
}
