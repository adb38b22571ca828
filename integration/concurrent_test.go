package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// parallel runs each args list at once and returns the results in order.
func (e *env) parallel(cmds ...[]string) []result {
	e.t.Helper()
	res := make([]result, len(cmds))
	var wg sync.WaitGroup
	for i, args := range cmds {
		wg.Add(1)
		go func() { defer wg.Done(); res[i] = e.run(args...) }()
	}
	wg.Wait()
	return res
}

// Two creates of one id at once: exactly one wins, and the loser neither
// leaves anything nor removes what the winner made.
func TestConcurrentCreateSameID(t *testing.T) {
	e := newEnv(t)
	sleep := func(s *specs.Spec) { s.Process.Args = []string{"sleep", "1000"} }
	b1, b2 := e.bundle("c", sleep), e.bundle("c2", func(s *specs.Spec) {
		sleep(s)
		s.Linux.CgroupsPath = e.cgroup + "/c" // the same cgroup, as a retrying client would send
	})
	for i := 0; i < 10; i++ {
		res := e.parallel([]string{"create", "--bundle", b1, "c"}, []string{"create", "--bundle", b2, "c"})
		wins := 0
		for _, r := range res {
			if r.code == 0 {
				wins++
			} else if !strings.Contains(r.stderr, "already exists") {
				t.Errorf("round %d: the loser failed with %q, want \"already exists\"", i, r.stderr)
			}
		}
		if wins != 1 {
			t.Fatalf("round %d: %d creates won: %+v", i, wins, res)
		}
		if st := e.state("c")["status"]; st != "created" {
			t.Fatalf("round %d: the winner is %v after the loser's exit", i, st)
		}
		if _, err := os.Stat(hierarchyDir(e, "pids", "c")); err != nil {
			t.Fatalf("round %d: the winner's cgroup is gone: %v", i, err)
		}
		e.ok("delete", "--force", "c")
		e.checkHostClean("c")
	}
}

// delete racing start: the outcome is one of the two orders, never both
// succeeding (delete of a created container killing the started one).
func TestConcurrentDeleteAndStart(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "1000"} })
	for i := 0; i < 15; i++ {
		e.ok("create", "--bundle", b, "c")
		res := e.parallel([]string{"delete", "c"}, []string{"start", "c"})
		del, start := res[0], res[1]
		switch {
		case del.code == 0 && start.code == 0:
			t.Fatalf("round %d: both delete and start succeeded", i)
		case del.code != 0 && start.code != 0:
			t.Fatalf("round %d: both failed: delete %q, start %q", i, del.stderr, start.stderr)
		case start.code == 0:
			if st := e.state("c")["status"]; st != "running" {
				t.Fatalf("round %d: started, but the container is %v", i, st)
			}
			e.ok("delete", "--force", "c")
		}
		e.checkHostClean("c")
	}
}

// kill racing the init's own exit: success or "container not running",
// nothing else, and the container can then be deleted.
func TestConcurrentKillAndExit(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sh", "-c", "exit 0"} })
	for i := 0; i < 10; i++ {
		e.ok("create", "--bundle", b, "c")
		kills := [][]string{{"start", "c"}}
		for j := 0; j < 4; j++ {
			kills = append(kills, []string{"kill", "c", "KILL"})
		}
		for j, r := range e.parallel(kills...) {
			if j > 0 && r.code != 0 && !strings.Contains(r.stderr, "not running") && !strings.Contains(r.stderr, "cannot") {
				t.Errorf("round %d: kill during exit: %q", i, r.stderr)
			}
		}
		e.ok("delete", "--force", "c")
		e.checkHostClean("c")
	}
}

// 50 parallel state while the container exits: every answer is a whole
// record, running or stopped.
func TestConcurrentStateWhileExiting(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "0.2"} })
	e.ok("run", "-d", "--bundle", b, "c")
	var cmds [][]string
	for i := 0; i < 50; i++ {
		cmds = append(cmds, []string{"state", "c"})
	}
	seen := map[string]int{}
	for i := 0; i < 3; i++ {
		for _, r := range e.parallel(cmds...) {
			var st map[string]any
			if r.code != 0 || json.Unmarshal([]byte(r.stdout), &st) != nil {
				t.Fatalf("state during exit: exit %d %q %q", r.code, r.stdout, r.stderr)
			}
			s := fmt.Sprint(st["status"])
			if s != "running" && s != "stopped" {
				t.Errorf("status %q while exiting", s)
			}
			seen[s]++
		}
	}
	t.Logf("statuses seen: %v", seen)
	e.ok("delete", "--force", "c")
	e.checkHostClean("c")
}

// delete --force racing create: afterwards the container either exists
// whole (created) or not at all, and one more delete leaves nothing.
func TestConcurrentCreateAndForceDelete(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "1000"} })
	for i := 0; i < 15; i++ {
		res := e.parallel([]string{"create", "--bundle", b, "c"}, []string{"delete", "--force", "c"})
		if res[1].code != 0 {
			t.Errorf("round %d: delete --force failed: %q", i, res[1].stderr)
		}
		if r := e.run("state", "c"); r.code == 0 {
			if st := e.state("c")["status"]; st != "created" {
				t.Errorf("round %d: after the race the container is %v", i, st)
			}
		} else if res[0].code == 0 && len(e.processes()) > 0 {
			t.Errorf("round %d: the container is deleted but processes %v live on", i, e.processes())
		}
		e.ok("delete", "--force", "c")
		e.checkHostClean("c")
	}
}
