package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func runningSleep(e *env, id string, mutate func(*specs.Spec)) {
	e.t.Helper()
	b := e.bundle(id, func(s *specs.Spec) {
		s.Process.Args = []string{"sleep", "1000"}
		if mutate != nil {
			mutate(s)
		}
	})
	e.ok("run", "-d", "--bundle", b, id)
}

func TestExecExitCodesAndEnv(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "c", nil)
	if r := e.run("exec", "c", "sh", "-c", "exit 42"); r.code != 42 {
		t.Fatalf("exit %d, want 42", r.code)
	}
	out := e.ok("exec", "-e", "X=1", "--cwd", "/tmp", "-u", "1000:1000", "c", "sh", "-c", "echo $X $(pwd) $(id -u):$(id -g)")
	if strings.TrimSpace(out) != "1 /tmp 1000:1000" {
		t.Fatalf("exec saw %q", out)
	}
	r := e.run("exec", "c", "no-such-cmd")
	// 255 as runc (exec.bats "exit codes"): not the process's status.
	if r.code != 255 || !strings.Contains(r.stderr, "executable file not found") {
		t.Fatalf("missing command: %d %q", r.code, r.stderr)
	}
}

func TestExecDetachPidFile(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "c", nil)
	pf := filepath.Join(e.dir, "exec.pid")
	e.ok("exec", "-d", "--pid-file", pf, "c", "sleep", "77")
	b, err := os.ReadFile(pf)
	must(t, err)
	pid, _ := strconv.Atoi(string(b))
	cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if !strings.Contains(string(cmdline), "sleep\x0077") {
		t.Fatalf("pid file names %d running %q, want the exec'd sleep", pid, cmdline)
	}
}

// --cap may add to bounding, effective and permitted, never to inheritable
// or ambient (CVE-2022-29162).
func TestExecCapDoesNotReachInheritable(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "c", nil)
	r := parseProbe(t, e.ok("exec", "--cap", "CAP_NET_ADMIN", "c", "/bin/probe"))
	const netAdmin = 1 << 12
	for set, want := range map[string]bool{"CapBnd": true, "CapEff": true, "CapPrm": true, "CapInh": false, "CapAmb": false} {
		v, _ := strconv.ParseUint(r.Status[set], 16, 64)
		if (v&netAdmin != 0) != want {
			t.Errorf("%s = %s: CAP_NET_ADMIN present=%v, want %v", set, r.Status[set], v&netAdmin != 0, want)
		}
	}
	if r := e.run("exec", "--cap", "CAP_BOGUS", "c", "true"); r.code != 255 || !strings.Contains(r.stderr, `unknown capability "CAP_BOGUS"`) {
		t.Errorf("bogus --cap: %d %q", r.code, r.stderr)
	}
}

func TestExecRefusesStoppedAndPaused(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "c", nil)
	e.ok("pause", "c")
	if st := e.state("c"); st["status"] != "paused" {
		t.Fatalf("after pause: %v", st["status"])
	}
	if r := e.run("exec", "c", "true"); r.code != 255 || !strings.Contains(r.stderr, "paused") {
		t.Errorf("exec in paused container: %d %q", r.code, r.stderr)
	}
	e.ok("resume", "c")
	e.ok("kill", "c", "9")
	waitFor(t, "stop", func() bool { return e.state("c")["status"] == "stopped" })
	if r := e.run("exec", "c", "true"); r.code != 255 || !strings.Contains(r.stderr, "container not running") {
		t.Errorf("exec in stopped container: %d %q", r.code, r.stderr)
	}
}

// CVE-2022-29162: had --cap reached the inheritable set, a non-root exec of
// a binary with file-inheritable capabilities would gain them.
func TestExecCapFileCapabilityBinaryGainsNothing(t *testing.T) {
	e := newEnv(t)
	setcap, err := exec.LookPath("setcap")
	if err != nil {
		t.Skip("setcap is not installed (apt-get install libcap2-bin)")
	}
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sleep", "1000"}
		s.Process.NoNewPrivileges = false // with no_new_privs file capabilities would be ignored anyway
	})
	capbb := filepath.Join(b, "rootfs/bin/busybox-caps")
	copyFile(t, busybox, capbb, 0o755)
	if out, err := exec.Command(setcap, "cap_net_admin+ei", capbb).CombinedOutput(); err != nil {
		t.Skipf("setcap on the test filesystem: %v %s", err, out)
	}
	e.ok("run", "-d", "--bundle", b, "c")
	out := e.ok("exec", "-u", "1000:1000", "--cap", "CAP_NET_ADMIN", "c", "/bin/busybox-caps", "cat", "/proc/self/status")
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "CapEff:") || strings.HasPrefix(l, "CapPrm:") {
			v, _ := strconv.ParseUint(strings.TrimSpace(l[7:]), 16, 64)
			if v&(1<<12) != 0 {
				t.Fatalf("non-root exec of a file-capability binary gained CAP_NET_ADMIN: %s", l)
			}
		}
	}
}
