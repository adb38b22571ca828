package integration

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// tty.bats "tty owner": the pty of a non-root process is its own (uid),
// its group the devpts mount's gid=5; for run and for exec.
func TestTerminalOwnedByProcessUser(t *testing.T) {
	e := newEnv(t)
	script := "stat -c %u:%g $(readlink /proc/self/fd/0)"
	for _, c := range []struct {
		uid, gid uint32
		want     string
	}{{0, 0, "0:5"}, {1000, 100, "1000:5"}} {
		id := "u" + strings.TrimSuffix(c.want, ":5")
		b := e.bundle(id, func(s *specs.Spec) {
			s.Process.Terminal = true
			s.Process.User = specs.User{UID: c.uid, GID: c.gid}
			s.Process.Args = []string{"sh", "-c", script}
		})
		if out := strings.TrimSpace(e.ok("run", "--bundle", b, id)); out != c.want {
			t.Errorf("run as %d:%d: tty owned by %q, want %q", c.uid, c.gid, out, c.want)
		}
	}
	runningSleep(e, "x", func(s *specs.Spec) { s.Process.User = specs.User{UID: 1000, GID: 100} })
	if out := strings.TrimSpace(e.ok("exec", "-t", "x", "sh", "-c", script)); out != "1000:5" {
		t.Errorf("exec -t as 1000:100: tty owned by %q, want 1000:5", out)
	}
}
