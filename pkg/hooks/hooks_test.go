package hooks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestRunPassesStateAndArgs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	h := specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c", `cat > "$1"; echo "$X" >> "$1"`, "sh", out}, Env: []string{"X=hello"}}
	if err := Run([]specs.Hook{h}, []byte(`{"id":"c1"}`)); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	if string(b) != "{\"id\":\"c1\"}hello\n" {
		t.Fatalf("hook saw %q", b)
	}
}

func TestRunFailureAndTimeout(t *testing.T) {
	fail := specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c", "echo boom; exit 3"}}
	if err := Run([]specs.Hook{fail}, nil); err == nil || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("failure: %v", err)
	}
	one := 1
	slow := specs.Hook{Path: "/bin/sleep", Args: []string{"sleep", "10"}, Timeout: &one}
	if err := Run([]specs.Hook{slow}, nil); err == nil || !strings.Contains(err.Error(), "hook ran past specified timeout of 1.0s") {
		t.Fatalf("timeout: %v", err)
	}
}

func TestValidate(t *testing.T) {
	zero := 0
	s := &specs.Spec{Hooks: &specs.Hooks{Poststop: []specs.Hook{{Path: "rel"}}}}
	if err := Validate(s); err == nil || !strings.Contains(err.Error(), "hooks.poststop[0].path") {
		t.Fatalf("relative path: %v", err)
	}
	s = &specs.Spec{Hooks: &specs.Hooks{Prestart: []specs.Hook{{Path: "/x", Timeout: &zero}}}}
	if err := Validate(s); err == nil || !strings.Contains(err.Error(), "hooks.prestart[0].timeout") {
		t.Fatalf("zero timeout: %v", err)
	}
}

func TestRunEachContinuesPastFailures(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	list := []specs.Hook{{Path: "/bin/false"}, {Path: "/bin/sh", Args: []string{"sh", "-c", "echo second > " + out}}}
	var failures []error
	RunEach(list, nil, func(err error) { failures = append(failures, err) })
	if b, _ := os.ReadFile(out); string(b) != "second\n" || len(failures) != 1 {
		t.Fatalf("second hook output %q, failures %v", b, failures)
	}
}

func TestKindRunUsesRuncPhrase(t *testing.T) {
	list := []specs.Hook{{Path: "/bin/true"}, {Path: "/bin/sh", Args: []string{"sh", "-c", "echo out; echo err >&2; exit 1"}}}
	err := CreateRuntime.Run(list, nil, Context{})
	want := "error running createRuntime hook #1: exit status 1, stdout: out\n, stderr: err\n"
	if err == nil || err.Error() != want {
		t.Fatalf("got %q, want %q", err, want)
	}
	var got []string
	Poststop.RunEach(list, nil, Context{}, func(err error) { got = append(got, err.Error()) })
	if len(got) != 1 || !strings.HasPrefix(got[0], "error running poststop hook #1: exit status 1") {
		t.Fatalf("RunEach reported %q", got)
	}
}

// What runc passes: a hook's own env when it has one; otherwise the
// runtime's environment for runtime-namespace hooks, the context's env for
// the others, and for startContainer also when the env is empty.
func TestKindRunEnvAndDir(t *testing.T) {
	t.Setenv("RUNTIME_VAR", "from-runtime")
	dir := t.TempDir()
	out := filepath.Join(t.TempDir(), "out")
	hook := func(env []string) specs.Hook {
		return specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c", `{ pwd; echo "r=$RUNTIME_VAR h=$HOOK_VAR p=$PROC_VAR"; } > "$0"`, out}, Env: env}
	}
	cases := []struct {
		name string
		kind Kind
		h    specs.Hook
		ctx  Context
		want string
	}{
		{"own env only", Prestart, hook([]string{"HOOK_VAR=h"}), Context{Dir: dir}, "r= h=h p="},
		{"no env: the runtime's", Poststart, hook(nil), Context{Dir: dir}, "r=from-runtime h= p="},
		{"no env, context env", CreateContainer, hook(nil), Context{Dir: dir, Env: []string{}}, "r= h= p="},
		{"startContainer, no env: process env", StartContainer, hook(nil), Context{Dir: dir, Env: []string{"PROC_VAR=p"}}, "r= h= p=p"},
		{"startContainer, empty env: process env", StartContainer, hook([]string{}), Context{Dir: dir, Env: []string{"PROC_VAR=p"}}, "r= h= p=p"},
		{"empty env elsewhere: none", CreateRuntime, hook([]string{}), Context{Dir: dir}, "r= h= p="},
	}
	for _, c := range cases {
		if err := c.kind.Run([]specs.Hook{c.h}, nil, c.ctx); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		b, _ := os.ReadFile(out)
		if got := string(b); got != dir+"\n"+c.want+"\n" {
			t.Errorf("%s: hook saw %q, want cwd %s and %q", c.name, got, dir, c.want)
		}
	}
}
