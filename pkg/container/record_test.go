package container

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/minirun/minirun/pkg/state"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The record gets the init's pid only once the config is saved beside it
// (delete's hooks of a half-made container read it), and says created
// only once the init is ready (recordReady): before, nothing may join it.
// A config that cannot be saved leaves the record creating.
func TestRecordInitSavesConfigFirst(t *testing.T) {
	root := t.TempDir()
	st := &state.Container{ID: "c"}
	if err := state.Create(root, st); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(); err != nil {
		t.Fatal(err)
	}
	spec := &specs.Spec{Version: specs.Version, Process: &specs.Process{Args: []string{"sh"}}}
	self := os.Getpid()
	start, _, err := state.ProcStart(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := recordInit(st, spec, self, start); err != nil {
		t.Fatal(err)
	}
	got, err := state.Load(root, "c")
	if err != nil || got.Status() != state.Creating || got.Pid != self {
		t.Fatalf("after recordInit: %v, status %q, pid %d", err, got.Status(), got.Pid)
	}
	if err := recordReady(st); err != nil {
		t.Fatal(err)
	}
	if got, err = state.Load(root, "c"); err != nil || got.Status() != state.Created {
		t.Fatalf("after recordReady: %v, status %q", err, got.Status())
	}
	if cfg, err := got.Config(); err != nil || cfg.Process.Args[0] != "sh" {
		t.Fatalf("a created record without its config: %v", err)
	}

	// config.json a non-empty directory: its atomic rename fails.
	st2 := &state.Container{ID: "d"}
	if err := state.Create(root, st2); err != nil {
		t.Fatal(err)
	}
	st2.Save()
	if err := os.MkdirAll(filepath.Join(st2.Dir(), "config.json", "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := recordInit(st2, spec, self, start); err == nil {
		t.Fatal("recordInit succeeded without saving the config")
	}
	if got, err := state.Load(root, "d"); err != nil || got.Status() != state.Creating {
		t.Fatalf("record after a failed config save: %v, status %q", err, got.Status())
	}
}
