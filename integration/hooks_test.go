package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestHooksRunInOrderWithState(t *testing.T) {
	e := newEnv(t)
	log := filepath.Join(e.dir, "hooks.log")
	hook := func(name string) specs.Hook {
		// Each hook appends its name and the status it was given on stdin.
		return specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c",
			`read -r state; s=$(echo "$state" | grep -o '"status":"[a-z]*"'); echo "` + name + ` $s" >> ` + log}}
	}
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sleep", "100"}
		s.Hooks = &specs.Hooks{
			Prestart: []specs.Hook{hook("prestart")}, CreateRuntime: []specs.Hook{hook("createRuntime")},
			Poststart: []specs.Hook{hook("poststart")}, Poststop: []specs.Hook{hook("poststop")},
			// createContainer and startContainer run in the container: busybox sh is there.
			CreateContainer: []specs.Hook{{Path: "/bin/sh", Args: []string{"sh", "-c", "echo createContainer >> " + log}}},
		}
	})
	e.ok("create", "--bundle", b, "c")
	e.ok("start", "c")
	e.ok("delete", "--force", "c")
	got, _ := os.ReadFile(log)
	want := []string{`prestart "status":"creating"`, `createRuntime "status":"creating"`, "createContainer",
		`poststart "status":"running"`, `poststop "status":"stopped"`}
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Fatalf("hooks ran as\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}

func TestHookStateHasPidAndBundle(t *testing.T) {
	e := newEnv(t)
	out := filepath.Join(e.dir, "state.json")
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sleep", "100"}
		s.Hooks = &specs.Hooks{CreateRuntime: []specs.Hook{{Path: "/bin/sh", Args: []string{"sh", "-c", "cat > " + out}}}}
	})
	e.ok("create", "--bundle", b, "c")
	var st specs.State
	raw, _ := os.ReadFile(out)
	must(t, json.Unmarshal(raw, &st))
	if st.ID != "c" || st.Bundle != b || st.Pid != e.pid("c") {
		t.Fatalf("hook state %+v, want id c, bundle %s, pid %d", st, b, e.pid("c"))
	}
}

// runtime-spec lifecycle step 9 (and runc): a failing poststart hook is an
// error, the container is stopped, and the lifecycle goes on at delete.
func TestFailingPoststartStopsContainer(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sleep", "100"}
		s.Hooks = &specs.Hooks{Poststart: []specs.Hook{{Path: "/bin/false"}}}
	})
	e.ok("create", "--bundle", b, "c")
	pid := e.pid("c")
	r := e.run("start", "c")
	if r.code == 0 || !strings.Contains(r.stderr, "error running poststart hook #0") {
		t.Fatalf("start: exit %d, stderr %q (want a failure naming the poststart hook)", r.code, r.stderr)
	}
	if st := e.state("c")["status"]; st != "stopped" {
		t.Fatalf("status %v after a failed poststart hook, want stopped", st)
	}
	// Gone, or a zombie its reaper has not collected yet: dead either way.
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:])); err == nil && f[0] != "Z" {
		t.Fatalf("init %d still alive (state %s) after a failed poststart hook", pid, f[0])
	}
	e.ok("delete", "c")
}

// A poststart hook is told the pid that was started even when the process
// has already exited (runtime-tools hooks_stdin runs "true").
func TestPoststartSeesPidOfShortLivedProcess(t *testing.T) {
	e := newEnv(t)
	out := filepath.Join(e.dir, "poststart.json")
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"true"}
		s.Hooks = &specs.Hooks{Poststart: []specs.Hook{{Path: "/bin/sh", Args: []string{"sh", "-c", "cat > " + out}}}}
	})
	// "true" races the state snapshot; a few rounds make a lost race show.
	for i := 0; i < 5; i++ {
		e.ok("create", "--bundle", b, "c")
		pid := e.pid("c")
		e.ok("start", "c")
		var st specs.State
		raw, _ := os.ReadFile(out)
		must(t, json.Unmarshal(raw, &st))
		if st.Pid != pid || st.Status != "running" {
			t.Fatalf("round %d: poststart state %+v, want pid %d, status running", i, st, pid)
		}
		e.ok("delete", "c")
	}
}
