package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// exec in the foreground relays what it receives to the exec'd process,
// as run does (TestRunForwardsSignals): runc's signal proxy.
func TestExecForwardsSignals(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "1000"} })
	e.ok("run", "-d", "--bundle", b, "c")
	cmd := exec.Command(minirun, "--root", e.root, "exec", "c", "sh", "-c",
		"trap 'exit 9' TERM; echo ready; while true; do sleep 0.05; done")
	out, _ := cmd.StdoutPipe()
	must(t, cmd.Start())
	buf := make([]byte, 6)
	out.Read(buf)
	if string(buf) != "ready\n" {
		cmd.Process.Kill()
		t.Fatalf("exec'd process said %q", buf)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := waitBounded(cmd, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if code := cmd.ProcessState.ExitCode(); code != 9 {
		t.Fatalf("exit %d, want 9 from the exec'd process's TERM trap", code)
	}
}

// run catches signals from its start, to forward them once the process
// exists; one that comes before (here while a createRuntime hook runs)
// must still end run, as when nothing caught it, not wait for the create.
func TestRunSignalBeforeProcessEndsRun(t *testing.T) {
	e := newEnv(t)
	started := filepath.Join(e.dir, "hook-started")
	b := e.bundle("c", func(s *specs.Spec) {
		s.Hooks = &specs.Hooks{CreateRuntime: []specs.Hook{{Path: "/bin/sh",
			Args: []string{"sh", "-c", "touch " + started + "; exec sleep 5"}}}}
	})
	cmd := exec.Command(minirun, "--root", e.root, "run", "--bundle", b, "c")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	must(t, cmd.Start())
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(started); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("the createRuntime hook never ran")
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := waitBounded(cmd, 3*time.Second); err != nil {
		t.Fatalf("%v: SIGTERM during create waited for the 5 s hook", err)
	}
	if cmd.ProcessState.Success() {
		t.Fatal("run succeeded after a SIGTERM during create")
	}
}

func waitBounded(cmd *exec.Cmd, d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return nil
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		return errTimedOut{d}
	}
}

type errTimedOut struct{ d time.Duration }

func (e errTimedOut) Error() string { return "no exit within " + e.d.String() }
