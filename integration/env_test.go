package integration

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// aAndHome picks the A= and HOME= entries of /proc/self/environ: the
// environment as execve passed it, before any shell could dedupe it.
func aAndHome(out string) string {
	var got []string
	for _, l := range strings.Split(out, "\x00") {
		if strings.HasPrefix(l, "A=") || strings.HasPrefix(l, "HOME=") {
			got = append(got, l)
		}
	}
	return strings.Join(got, " ")
}

// As runc's prepareEnv: duplicates in process.env keep the last value, and
// an empty HOME= is replaced from the container's /etc/passwd; for the
// init and for exec (whose --env adds to the config's env).
func TestProcessEnvDuplicatesAndEmptyHome(t *testing.T) {
	e := newEnv(t)
	env := []string{"PATH=/bin:/usr/bin", "A=first", "HOME=", "A=second"}
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Env = env
		s.Process.Args = []string{"cat", "/proc/self/environ"}
	})
	if got := aAndHome(e.ok("run", "--bundle", b, "c")); got != "A=second HOME=/root" {
		t.Errorf("run: A and HOME are %q, want %q", got, "A=second HOME=/root")
	}
	runningSleep(e, "d", func(s *specs.Spec) { s.Process.Env = []string{"PATH=/bin:/usr/bin", "A=config"} })
	if got := aAndHome(e.ok("exec", "--env", "HOME=", "--env", "A=flag", "d", "cat", "/proc/self/environ")); got != "A=flag HOME=/root" {
		t.Errorf("exec: A and HOME are %q, want %q", got, "A=flag HOME=/root")
	}
}
