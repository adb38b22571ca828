package integration

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Beyond stdio a created init holds only what minirun needs until start
// (its protocol sockets, the Go runtime's poller), each close-on-exec, and
// never a host file (a /dev/null included).
func TestCreatedInitFdsBeyondStdio(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "100"} })
	if r := e.run("create", "--bundle", b, "c"); r.code != 0 {
		t.Fatalf("create: exit %d: %s", r.code, r.stderr)
	}
	pid := e.pid("c")
	if bad := hostObjectFds(t, pid); len(bad) > 0 {
		t.Errorf("the created init holds host objects: %v", bad)
	}
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	must(t, err)
	for _, ent := range ents {
		if n, _ := strconv.Atoi(ent.Name()); n < 3 {
			continue
		}
		info, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/%s", pid, ent.Name()))
		must(t, err)
		for _, l := range strings.Split(string(info), "\n") {
			if v, ok := strings.CutPrefix(l, "flags:"); ok {
				if f, _ := strconv.ParseUint(strings.TrimSpace(v), 8, 64); f&0o2000000 == 0 {
					t.Errorf("fd %s of the created init is not close-on-exec (flags %s)", ent.Name(), strings.TrimSpace(v))
				}
			}
		}
	}
}
