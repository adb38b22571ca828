package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func validSpec() *specs.Spec {
	return &specs.Spec{
		Version: "1.3.0",
		Root:    &specs.Root{Path: "rootfs"},
		Process: &specs.Process{Args: []string{"sh"}, Cwd: "/"},
		Linux:   &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: "mount"}, {Type: "pid"}}},
	}
}

func TestValidateNamesTheField(t *testing.T) {
	cases := map[string]func(*specs.Spec){
		"ociVersion: unsupported version":  func(s *specs.Spec) { s.Version = "2.0.0" },
		"process: is required":             func(s *specs.Spec) { s.Process = nil },
		"process.args":                     func(s *specs.Spec) { s.Process.Args = nil },
		"process.cwd":                      func(s *specs.Spec) { s.Process.Cwd = "rel" },
		`process.rlimits[0].type: unknown`: func(s *specs.Spec) { s.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_BOGUS"}} },
		`process.capabilities.effective[0]`: func(s *specs.Spec) {
			s.Process.Capabilities = &specs.LinuxCapabilities{Effective: []string{"CAP_NOPE"}}
		},
		`"kernel.core_pattern" is not namespaced`: func(s *specs.Spec) { s.Linux.Sysctl = map[string]string{"kernel.core_pattern": "x"} },
		`"net.ipv4.ip_forward" needs a network`:   func(s *specs.Spec) { s.Linux.Sysctl = map[string]string{"net.ipv4.ip_forward": "1"} },
		"linux.namespaces[2].type: duplicate": func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: "pid"})
		},
		"linux.uidMappings": func(s *specs.Spec) { s.Linux.UIDMappings = []specs.LinuxIDMapping{{Size: 1}} },
	}
	for want, mutate := range cases {
		s := validSpec()
		mutate(s)
		err := Validate(s, Options{SysRoot: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want error containing %q, got %v", want, err)
		}
	}
	if err := Validate(validSpec(), Options{SysRoot: t.TempDir()}); err != nil {
		t.Fatalf("valid spec rejected: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "config.json not found") {
		t.Fatalf("missing config: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"ociVersion": "1.0.0", "root": {"path": "rootfs"}`), 0o644)
	if _, _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "malformed JSON") {
		t.Fatalf("malformed: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"ociVersion": "1.0.0", "root": {"path": "rootfs"}}`), 0o644)
	if _, _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "root.path: rootfs") {
		t.Fatalf("missing rootfs: %v", err)
	}
	os.Mkdir(filepath.Join(dir, "rootfs"), 0o755)
	_, root, err := Load(dir)
	if err != nil || root != filepath.Join(dir, "rootfs") {
		t.Fatalf("load: %s %v", root, err)
	}
}
