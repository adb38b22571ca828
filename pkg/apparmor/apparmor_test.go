package apparmor

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func fakeSys(t *testing.T, enabled string) string {
	root := t.TempDir()
	dir := filepath.Join(root, "module/apparmor/parameters")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "enabled"), []byte(enabled), 0o644)
	return root
}

func TestValidateFailsClosed(t *testing.T) {
	s := &specs.Spec{Process: &specs.Process{ApparmorProfile: "docker-default"}}
	if err := Validate(s, t.TempDir()); !errors.Is(err, ErrNotEnabled) {
		t.Fatalf("no apparmor: %v", err)
	}
	if err := Validate(s, fakeSys(t, "N\n")); !errors.Is(err, ErrNotEnabled) {
		t.Fatalf("disabled apparmor: %v", err)
	}
	if err := Validate(s, fakeSys(t, "Y\n")); err != nil {
		t.Fatalf("enabled apparmor: %v", err)
	}
}

func TestApplyWritesExecAttr(t *testing.T) {
	proc := t.TempDir()
	dir := filepath.Join(proc, "thread-self/attr")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "exec"), nil, 0o644)
	f, err := OpenExecAttr(proc)
	if err != nil {
		t.Fatal(err)
	}
	if err := ApplyOnExec(f, "minirun-default"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, _ := os.ReadFile(filepath.Join(dir, "exec"))
	if string(b) != "exec minirun-default" {
		t.Fatalf("attr got %q", b)
	}
}
