package seccomp

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuildIDOfThisBinary(t *testing.T) {
	id, err := BuildID("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id, "go:") && !strings.Contains(id, " go:") {
		t.Fatalf("build id %q has no Go build id", id)
	}
	again, _ := BuildID("/proc/self/exe")
	if again != id {
		t.Fatalf("build id changed between reads: %q, %q", id, again)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH to compare with")
	}
	exe, _ := os.Executable()
	out, err := exec.Command(goTool, "tool", "buildid", exe).Output()
	if err != nil {
		t.Skipf("go tool buildid: %v", err)
	}
	if !strings.Contains(" "+id+" ", " go:"+strings.TrimSpace(string(out))+" ") {
		t.Fatalf("build id %q does not hold go tool buildid's %q", id, out)
	}
}

func TestBuildIDOfNonELF(t *testing.T) {
	p := filepath.Join(t.TempDir(), "script")
	os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755)
	if _, err := BuildID(p); err == nil {
		t.Fatal("a script has no build id")
	}
	if _, err := BuildID(filepath.Join(t.TempDir(), "none")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}
