package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestRunForwardsSignals(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sh", "-c", "trap 'exit 9' TERM; echo ready; while true; do sleep 0.05; done"}
	})
	cmd := exec.Command(minirun, "--root", e.root, "run", "--bundle", b, "c")
	out, _ := cmd.StdoutPipe()
	must(t, cmd.Start())
	buf := make([]byte, 6)
	out.Read(buf)
	if string(buf) != "ready\n" {
		t.Fatalf("container said %q", buf)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("run did not exit after SIGTERM")
	}
	if code := cmd.ProcessState.ExitCode(); code != 9 {
		t.Fatalf("exit %d, want 9 from the container's TERM trap", code)
	}
}

func TestSocketActivationFdsPassThrough(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sh", "-c", "echo $LISTEN_FDS $LISTEN_PID; cat <&3"}
	})
	script := fmt.Sprintf("exec 3<<EOF\nactivated\nEOF\nexec env LISTEN_PID=$$ LISTEN_FDS=1 %s --root %s run --bundle %s c", minirun, e.root, b)
	out, err := execShell(script)
	if err != nil || out != "1 1\nactivated\n" {
		t.Fatalf("output %q, err %v", out, err)
	}
}

func TestNoPivotAndTimeNamespace(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: "time"})
		s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"boottime": {Secs: 86400 * 365}}
		s.Process.Args = []string{"sh", "-c", "cut -d' ' -f1 /proc/uptime"}
	})
	out := e.ok("run", "--no-pivot", "--bundle", b, "c")
	var up float64
	fmt.Sscan(strings.TrimSpace(out), &up)
	if up < 86400*365 {
		t.Fatalf("uptime %q inside the time namespace, want a year ahead", out)
	}
}

// LISTEN_FDS/LISTEN_PID are for the init alone (issue item 7): they were
// saved into the container's config and so reached every exec'd process.
func TestSocketActivationEnvNotForExec(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "1000"} })
	// Output to a file: the detached container keeps it open, a pipe would never close.
	log := filepath.Join(e.dir, "run.log")
	script := fmt.Sprintf("exec 3</dev/null >%s 2>&1; exec env LISTEN_PID=$$ LISTEN_FDS=1 %s --root %s run -d --bundle %s c", log, minirun, e.root, b)
	if _, err := execShell(script); err != nil {
		out, _ := os.ReadFile(log)
		t.Fatalf("run -d with an activation fd: %v: %s", err, out)
	}
	environ, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", e.pid("c")))
	must(t, err)
	if !strings.Contains(string(environ), "LISTEN_FDS=1\x00") || !strings.Contains(string(environ), "LISTEN_PID=1\x00") {
		t.Errorf("the init's environment %q lacks LISTEN_FDS=1 and LISTEN_PID=1", environ)
	}
	if out := e.ok("exec", "c", "cat", "/proc/self/environ"); strings.Contains(out, "LISTEN_") {
		t.Errorf("an exec'd process got the init's activation variables: %q", out)
	}
}
