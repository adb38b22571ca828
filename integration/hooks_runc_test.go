package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// hooks.bats "hook fails": runc's phrase names the kind and the index.
func TestHookFailureUsesRuncPhrase(t *testing.T) {
	e := newEnv(t)
	for _, kind := range []string{"prestart", "createRuntime", "createContainer", "startContainer"} {
		id := strings.ToLower(kind)
		b := e.bundle(id, func(s *specs.Spec) {
			list := []specs.Hook{{Path: "/bin/true"}, {Path: "/bin/false"}}
			s.Hooks = &specs.Hooks{}
			switch kind {
			case "prestart":
				s.Hooks.Prestart = list //nolint:staticcheck // runc still runs it
			case "createRuntime":
				s.Hooks.CreateRuntime = list
			case "createContainer":
				s.Hooks.CreateContainer = list
			case "startContainer":
				s.Hooks.StartContainer = list
			}
		})
		r := e.run("run", "--bundle", b, id)
		if r.code == 0 || !strings.Contains(r.stderr, "error running "+kind+" hook #1: exit status 1") {
			t.Errorf("%s: exit %d, %q", kind, r.code, r.stderr)
		}
	}
}

// A runtime-namespace hook runs in the bundle with the runtime's
// environment when it gives none; createContainer runs in the rootfs.
func TestHookCwdAndEnv(t *testing.T) {
	e := newEnv(t)
	t.Setenv("HOOKTEST_VAR", "from-caller")
	out := filepath.Join(e.dir, "hooks.out")
	record := func(tag string) specs.Hook {
		return specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c", `echo "` + tag + ` $(pwd) v=$HOOKTEST_VAR" >> ` + out}}
	}
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"true"}
		s.Hooks = &specs.Hooks{CreateRuntime: []specs.Hook{record("createRuntime")},
			CreateContainer: []specs.Hook{record("createContainer")}, Poststop: []specs.Hook{record("poststop")}}
	})
	e.ok("run", "--bundle", b, "c")
	data, err := os.ReadFile(out)
	must(t, err)
	got := string(data)
	for _, want := range []string{"createRuntime " + b + " v=from-caller\n", "createContainer " + filepath.Join(b, "rootfs") + " v=\n", "poststop " + b + " v=from-caller\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("hooks wrote %q, want a line %q", got, want)
		}
	}
}
