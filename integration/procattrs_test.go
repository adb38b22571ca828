package integration

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// statFields returns /proc/PID/stat's fields after the command name, so
// statFields(s)[0] is field 3 (state) of proc(5).
func statFields(t *testing.T, stat string) []string {
	t.Helper()
	i := strings.LastIndex(stat, ")")
	if i < 0 {
		t.Fatalf("not a stat line: %q", stat)
	}
	return strings.Fields(stat[i+1:])
}

// statField is proc(5)'s field n (1-based) of a stat line.
func statField(t *testing.T, stat string, n int) string {
	t.Helper()
	f := statFields(t, stat)
	if len(f) < n-2 {
		t.Fatalf("short stat line: %q", stat)
	}
	return f[n-3]
}

// TestSchedulerAndIOPriority: process.scheduler and process.ioPriority
// reach the container's process (read from inside: /proc/self/stat's nice,
// rt_priority and policy fields, and ioprio_get by busybox ionice).
func TestSchedulerAndIOPriority(t *testing.T) {
	e := newEnv(t)
	script := "cat /proc/self/stat; busybox ionice"
	b := e.bundle("batch", func(s *specs.Spec) {
		s.Process.Scheduler = &specs.Scheduler{Policy: specs.SchedBatch, Nice: 7}
		s.Process.IOPriority = &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE, Priority: 6}
		s.Process.Args = []string{"sh", "-c", script}
	})
	lines := strings.Split(strings.TrimSpace(e.ok("run", "--bundle", b, "batch")), "\n")
	if len(lines) != 2 {
		t.Fatalf("output %q", lines)
	}
	// proc(5): 19 nice, 41 policy (SCHED_BATCH is 3).
	if nice, pol := statField(t, lines[0], 19), statField(t, lines[0], 41); nice != "7" || pol != "3" {
		t.Errorf("SCHED_BATCH nice 7: got nice %s policy %s", nice, pol)
	}
	if lines[1] != "best-effort: prio 6" {
		t.Errorf("ioPriority BE 6: ionice says %q", lines[1])
	}
	// A real-time task needs real-time runtime in its cpu cgroup and in
	// every parent of it (sched-rt-group.rst) when the kernel groups it.
	rtRuntime := int64(10000)
	if _, err := os.Stat("/sys/fs/cgroup/cpu/cpu.rt_runtime_us"); err == nil {
		dir := "/sys/fs/cgroup/cpu"
		for _, part := range strings.Split(strings.Trim(e.cgroup, "/"), "/") {
			dir = filepath.Join(dir, part)
			if os.Mkdir(dir, 0o755) == nil {
				made := dir
				t.Cleanup(func() { os.Remove(made) })
			}
			must(t, os.WriteFile(filepath.Join(dir, "cpu.rt_runtime_us"), []byte("20000"), 0o644))
		}
	}
	b = e.bundle("rr", func(s *specs.Spec) {
		s.Linux.Resources.CPU = &specs.LinuxCPU{RealtimeRuntime: &rtRuntime}
		s.Process.Scheduler = &specs.Scheduler{Policy: specs.SchedRR, Priority: 10}
		s.Process.IOPriority = &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_IDLE}
		s.Process.Args = []string{"sh", "-c", script}
	})
	lines = strings.Split(strings.TrimSpace(e.ok("run", "--bundle", b, "rr")), "\n")
	if len(lines) != 2 {
		t.Fatalf("output %q", lines)
	}
	// proc(5): 40 rt_priority, 41 policy (SCHED_RR is 2).
	if prio, pol := statField(t, lines[0], 40), statField(t, lines[0], 41); prio != "10" || pol != "2" {
		t.Errorf("SCHED_RR 10: got rt_priority %s policy %s", prio, pol)
	}
	if !strings.HasPrefix(lines[1], "idle") {
		t.Errorf("ioPriority IDLE: ionice says %q", lines[1])
	}
	r := e.run("run", "--bundle", e.bundle("bad", func(s *specs.Spec) {
		s.Process.Scheduler = &specs.Scheduler{Policy: "SCHED_ISO"}
	}), "bad")
	if r.code != 1 || !strings.Contains(r.stderr, `process.scheduler.policy: unknown or unsupported policy "SCHED_ISO"`) {
		t.Errorf("SCHED_ISO: exit %d %q", r.code, r.stderr)
	}
	e.checkNothingLeft("bad", "bad")
}

// TestPersonalityAndMemoryPolicy: linux.personality LINUX32 makes uname
// report i686, and linux.memoryPolicy shows in /proc/self/numa_maps.
func TestPersonalityAndMemoryPolicy(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Linux.Personality = &specs.LinuxPersonality{Domain: specs.PerLinux32}
		s.Linux.MemoryPolicy = &specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "0"}
		s.Process.Args = []string{"sh", "-c", "busybox uname -m; cat /proc/self/personality; grep -c ' bind:0 ' /proc/self/numa_maps"}
	})
	lines := strings.Split(strings.TrimSpace(e.ok("run", "--bundle", b, "c")), "\n")
	if len(lines) != 3 || lines[0] != "i686" || lines[1] != "00000008" || lines[2] == "0" {
		t.Errorf("want i686, personality 00000008 and bind:0 mappings; got %q", lines)
	}
	r := e.run("run", "--bundle", e.bundle("bad", func(s *specs.Spec) {
		s.Linux.MemoryPolicy = &specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "0", Flags: []specs.MemoryPolicyFlagType{"MPOL_F_NOPE"}}
	}), "bad")
	if r.code != 1 || !strings.Contains(r.stderr, `linux.memoryPolicy.flags[0]: unknown flag "MPOL_F_NOPE"`) {
		t.Errorf("bad flag: exit %d %q", r.code, r.stderr)
	}
	e.checkNothingLeft("bad", "bad")
}

// TestExecCPUAffinity: execCPUAffinity leaves the init alone (the spec
// exempts it) and puts an exec'd process on the final CPUs, or on the
// initial ones when no final is given (read from /proc/self/status).
func TestExecCPUAffinity(t *testing.T) {
	e := newEnv(t)
	if !hasCPUs(t, "0-1") {
		t.Skip("needs CPUs 0 and 1 online")
	}
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.ExecCPUAffinity = &specs.CPUAffinity{Initial: "0", Final: "1"}
		s.Process.Args = []string{"sleep", "100"}
	})
	e.ok("run", "-d", "--bundle", b, "c")
	if got := cpusAllowed(readFile(t, filepath.Join("/proc", strconv.Itoa(e.pid("c")), "status"))); got != "0-1" {
		t.Errorf("init: Cpus_allowed_list %s, want 0-1 (untouched)", got)
	}
	out := e.ok("exec", "c", "cat", "/proc/self/status")
	if got := cpusAllowed(out); got != "1" {
		t.Errorf("exec with final 1: Cpus_allowed_list %s", got)
	}
	proc := specs.Process{Args: []string{"cat", "/proc/self/status"}, Cwd: "/",
		ExecCPUAffinity: &specs.CPUAffinity{Initial: "0"}}
	pf := filepath.Join(e.dir, "process.json")
	writeJSON(t, pf, proc)
	if got := cpusAllowed(e.ok("exec", "--process", pf, "c")); got != "0" {
		t.Errorf("exec with initial 0 only: Cpus_allowed_list %s", got)
	}
	proc.ExecCPUAffinity = &specs.CPUAffinity{Final: "0-x"}
	writeJSON(t, pf, proc)
	if r := e.run("exec", "--process", pf, "c"); r.code != 255 || !strings.Contains(r.stderr, "process.execCPUAffinity.final: invalid list") {
		t.Errorf("bad list: exit %d %q", r.code, r.stderr)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	return string(b)
}

func cpusAllowed(status string) string {
	for _, l := range strings.Split(status, "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && k == "Cpus_allowed_list" {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

func hasCPUs(t *testing.T, want string) bool {
	return strings.TrimSpace(readFile(t, "/sys/devices/system/cpu/online")) == want
}
