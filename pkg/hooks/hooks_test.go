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
	if err := Run([]specs.Hook{slow}, nil); err == nil || !strings.Contains(err.Error(), "timed out after 1s") {
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
