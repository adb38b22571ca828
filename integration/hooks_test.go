package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
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

func TestFailingPoststartOnlyWarns(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sleep", "100"}
		s.Hooks = &specs.Hooks{Poststart: []specs.Hook{{Path: "/bin/false"}}}
	})
	e.ok("create", "--bundle", b, "c")
	r := e.run("start", "c")
	if r.code != 0 || !strings.Contains(r.stderr, "poststart") {
		t.Fatalf("start: exit %d, stderr %q (want success with a warning)", r.code, r.stderr)
	}
	if e.state("c")["status"] != "running" {
		t.Fatal("container not running after a failed poststart hook")
	}
}
