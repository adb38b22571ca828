package state

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/minirun/minirun/pkg/cgroups"
)

func TestSalvageKeepsFieldsBeforeTheDamage(t *testing.T) {
	root := t.TempDir()
	c := &Container{ID: "c", Pid: 42, PidStart: 7, Cgroup: &cgroups.State{Path: "/x"}}
	if err := Create(root, c); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	rec := filepath.Join(root, "c", recordFile)
	b, _ := os.ReadFile(rec)
	cases := []struct {
		name string
		data string
		pid  int
		lost []string
	}{
		{"brace lost", string(b[:len(b)-1]), 42, nil},
		{"cut before created", string(b[:strings.Index(string(b), `"created"`)]), 42, []string{"cgroup"}},
		{"cgroup not a record", `{"id":"c","pid":42,"pidStart":7,"cgroup":"/x"}`, 42, []string{"cgroup"}},
		{"garbage", "\x00\x01garbage", 0, []string{"pid", "pidStart", "cgroup"}},
		{"empty", "", 0, []string{"pid", "pidStart", "cgroup"}},
	}
	for _, tc := range cases {
		os.WriteFile(rec, []byte(tc.data), 0o600)
		if _, err := Load(root, "c"); err == nil || !strings.Contains(err.Error(), "corrupt") {
			t.Errorf("%s: Load: %v, want a corrupt-state error", tc.name, err)
		}
		got, lost, err := Salvage(root, "c")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got.Pid != tc.pid || !reflect.DeepEqual(lost, tc.lost) || got.Dir() != filepath.Join(root, "c") {
			t.Errorf("%s: pid %d lost %v dir %q; want pid %d lost %v", tc.name, got.Pid, lost, got.Dir(), tc.pid, tc.lost)
		}
	}
}
