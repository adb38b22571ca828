package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// badInterpreter is a script whose #! names no file: the path lookup
// finds it, execve(2) fails with ENOENT.
func badInterpreter(t *testing.T, b string) {
	must(t, os.WriteFile(filepath.Join(b, "rootfs/run.sh"), []byte("#!/mmnnttbb foo bar\nsh\n"), 0o755))
}

// runc 1.5 (tests/integration/run.bats "execve error"): the init prints
// the execve error alone on the container's stderr and exits 255; run
// adds nothing and exits with that status. exec keeps runc's phrase.
func TestExecveErrorPhrases(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"/run.sh"} })
	badInterpreter(t, b)
	r := e.run("run", "--bundle", b, "c")
	if r.code != 255 || r.stderr != "exec /run.sh: no such file or directory\n" {
		t.Errorf("run: exit %d, stderr %q; want 255 and only runc's line", r.code, r.stderr)
	}
	// start fails (minirun learns the exec did not happen), with the same phrase.
	e.ok("create", "--bundle", b, "s")
	r = e.run("start", "s")
	if r.code == 0 || r.stderr != "minirun: exec /run.sh: no such file or directory\n" {
		t.Errorf("start: exit %d, stderr %q", r.code, r.stderr)
	}
	e.ok("delete", "-f", "s")
	runningSleep(e, "x", nil)
	badInterpreter(t, filepath.Join(e.dir, "x"))
	r = e.run("exec", "x", "/run.sh")
	if want := "minirun: exec failed: unable to start container process: exec /run.sh: no such file or directory\n"; r.code != 255 || r.stderr != want {
		t.Errorf("exec: exit %d, stderr %q, want %q", r.code, r.stderr, want)
	}
	r = e.run("exec", "x", "/nosuch")
	if !strings.HasSuffix(r.stderr, "exec failed: unable to start container process: exec: \"/nosuch\": stat /nosuch: no such file or directory\n") {
		t.Errorf("exec /nosuch: %q", r.stderr)
	}
	// create: runc 1.5's "unable to start container process: error during
	// container init: ..." (scripts and clients match the first part).
	e.bundle("n", func(s *specs.Spec) { s.Process.Args = []string{"/nosuch"} })
	r = e.run("create", "--bundle", filepath.Join(e.dir, "n"), "n")
	if want := "unable to start container process: error during container init: exec: \"/nosuch\": stat /nosuch: no such file or directory\n"; r.code == 0 || !strings.HasSuffix(r.stderr, want) {
		t.Errorf("create /nosuch: exit %d, stderr %q, want it to end in %q", r.code, r.stderr, want)
	}
}

// The lookup lets execve(2) decide, as Go's exec.LookPath that runc uses
// (faccessat2 with AT_EACCESS): a user with CAP_DAC_OVERRIDE runs a
// binary only its owner may execute; a directory is "is a directory".
func TestLookupHonoursCapDacOverride(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.User = specs.User{UID: 1000, GID: 1000}
		s.Process.Args = []string{"/bin/owneronly"}
		c := s.Process.Capabilities
		for _, set := range []*[]string{&c.Bounding, &c.Effective, &c.Permitted} {
			*set = append(*set, "CAP_DAC_OVERRIDE")
		}
		// Only ambient capabilities survive the execve of a non-root user.
		c.Inheritable = []string{"CAP_DAC_OVERRIDE"}
		c.Ambient = []string{"CAP_DAC_OVERRIDE"}
	})
	must(t, os.WriteFile(filepath.Join(b, "rootfs/bin/owneronly"), []byte("#!/bin/sh\necho ran\n"), 0o744))
	if out := e.ok("run", "--bundle", b, "c"); out != "ran\n" {
		t.Errorf("run: %q", out)
	}
	b = e.bundle("d", func(s *specs.Spec) { s.Process.Args = []string{"/bin"} })
	if r := e.run("run", "--bundle", b, "d"); !strings.Contains(r.stderr, `exec: "/bin": is a directory`) {
		t.Errorf("a directory: exit %d %q", r.code, r.stderr)
	}
}
