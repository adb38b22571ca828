package state

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The view must carry every hook and namespace start, kill and delete act
// on: a hook lost here would silently not run.
func TestLifecycleConfigKeepsHooksAndNamespaces(t *testing.T) {
	c := newSaved(t)
	hook := specs.Hook{Path: "/bin/h", Args: []string{"h", "x"}, Env: []string{"A=b"}, Timeout: new(int)}
	full := &specs.Spec{
		Process: &specs.Process{Args: []string{"/bin/sh"}},
		Hooks: &specs.Hooks{Prestart: []specs.Hook{hook}, CreateRuntime: []specs.Hook{hook},
			CreateContainer: []specs.Hook{hook}, StartContainer: []specs.Hook{hook},
			Poststart: []specs.Hook{hook}, Poststop: []specs.Hook{hook, hook}},
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace, Path: "/proc/1/ns/net"}},
			Sysctl:     map[string]string{"a": "b"},
		},
	}
	if err := c.SaveConfig(full); err != nil {
		t.Fatal(err)
	}
	got, err := c.LifecycleConfig()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Hooks, full.Hooks) {
		t.Errorf("hooks: got %+v, want %+v", got.Hooks, full.Hooks)
	}
	if !reflect.DeepEqual(got.Linux.Namespaces, full.Linux.Namespaces) {
		t.Errorf("namespaces: got %+v", got.Linux.Namespaces)
	}
	if got.Process != nil || got.Linux.Sysctl != nil {
		t.Errorf("view holds more than hooks and namespaces: %+v", got)
	}
}

func TestLifecycleConfigRefusesBadConfig(t *testing.T) {
	c := newSaved(t)
	if _, err := c.LifecycleConfig(); err == nil {
		t.Fatal("missing config accepted")
	}
	if err := os.WriteFile(filepath.Join(c.Dir(), configFile), []byte(`{"hooks":`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := c.LifecycleConfig(); err == nil {
		t.Fatal("truncated config accepted")
	}
}

func TestLifecycleConfigWithoutLinux(t *testing.T) {
	c := newSaved(t)
	if err := c.SaveConfig(&specs.Spec{}); err != nil {
		t.Fatal(err)
	}
	got, err := c.LifecycleConfig()
	if err != nil || got.Linux != nil || got.Hooks != nil {
		t.Fatalf("got %+v, %v", got, err)
	}
}

// newSaved is a container record in a fresh state root, without a config.
func newSaved(t *testing.T) *Container {
	t.Helper()
	c := &Container{ID: "c1"}
	if err := Create(t.TempDir(), c); err != nil {
		t.Fatal(err)
	}
	return c
}
