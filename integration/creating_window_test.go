package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// While create runs its prestart hooks the init has not pivoted: its
// mount namespace still has the host's / as its root. A process joining
// it then (exec --ignore-paused, which takes no lock) would resolve its
// binary, cwd and pty on the host, and update would set limits before the
// init's own late pids.max. Until the init is ready the container is
// creating, and both are refused.
func TestNoExecOrUpdateWhileCreating(t *testing.T) {
	e := newEnv(t)
	marker := filepath.Join(e.dir, "in-hook")
	release := filepath.Join(e.dir, "release")
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sleep", "1000"}
		s.Hooks = &specs.Hooks{Prestart: []specs.Hook{{Path: "/bin/sh", Args: []string{"sh", "-c",
			"touch " + marker + "; i=0; while [ ! -e " + release + " ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done"}}}}
	})
	create := exec.Command(minirun, "--root", e.root, "create", "--bundle", b, "c")
	out, err := os.CreateTemp(e.dir, "create-out")
	must(t, err)
	defer out.Close()
	create.Stdout, create.Stderr = out, out
	must(t, create.Start())
	done := make(chan error, 1)
	go func() { done <- create.Wait() }()
	for i := 0; ; i++ {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if i > 400 {
			t.Fatal("the prestart hook never ran")
		}
		time.Sleep(25 * time.Millisecond)
	}
	st := e.run("state", "c")
	ex := e.run("exec", "--ignore-paused", "c", "sh", "-c", "echo joined")
	up := e.run("update", "--pids-limit", "5", "c")
	must(t, os.WriteFile(release, nil, 0o644))
	if err := <-done; err != nil {
		b, _ := os.ReadFile(out.Name())
		t.Fatalf("create: %v: %s", err, b)
	}
	if !strings.Contains(st.stdout, `"status": "creating"`) {
		t.Errorf("state during the prestart hook: %s %s, want creating", st.stdout, st.stderr)
	}
	if ex.code == 0 || strings.Contains(ex.stdout, "joined") {
		t.Errorf("exec ran in a container being created: exit %d, stdout %q", ex.code, ex.stdout)
	}
	if up.code == 0 {
		t.Errorf("update of a container being created succeeded: %q", up.stderr)
	}
	if got := e.state("c")["status"]; got != "created" {
		t.Errorf("status after create: %v, want created", got)
	}
	e.ok("delete", "--force", "c")
}
