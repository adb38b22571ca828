package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// checkNothingLeft asserts no state dir and no cgroup exist for a failed create.
func (e *env) checkNothingLeft(id, bundleName string) {
	e.t.Helper()
	if _, err := os.Stat(filepath.Join(e.root, id)); err == nil {
		e.t.Errorf("state dir of %s left behind", id)
	}
	for _, d := range cgroupDirs(e.cgroup + "/" + bundleName) {
		if _, err := os.Stat(d); err == nil {
			e.t.Errorf("cgroup %s left behind", d)
		}
	}
}

func TestBadInputFailsCleanly(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name   string
		mutate func(*specs.Spec)
		prep   func(bundle string)
		want   string
	}{
		{"version", func(s *specs.Spec) { s.Version = "2.0.0" }, nil, "ociVersion"},
		{"caps", func(s *specs.Spec) {
			s.Process.Capabilities.Bounding = append(s.Process.Capabilities.Bounding, "CAP_FOO")
		}, nil,
			`process.capabilities.bounding[3]: unknown capability "CAP_FOO"`},
		{"nsdup", func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: "pid"})
		}, nil, "duplicate namespace"},
		{"nspath", func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: "user", Path: "/proc/self/ns/net"})
		}, nil, "is not a user namespace"},
		{"maps", func(s *specs.Spec) { s.Linux.UIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 1}} }, nil, "mappings need a user namespace"},
		{"noexec", func(s *specs.Spec) { s.Process.Args = []string{"nonexistent-cmd"} }, nil, "executable file not found in $PATH"},
		{"rootfs", nil, func(b string) { os.RemoveAll(filepath.Join(b, "rootfs")) }, "root.path"},
		{"json", nil, func(b string) { os.WriteFile(filepath.Join(b, "config.json"), []byte("{not json"), 0o644) }, "malformed JSON"},
		{"noconfig", nil, func(b string) { os.Remove(filepath.Join(b, "config.json")) }, "config.json not found"},
		{"sysctl", func(s *specs.Spec) { s.Linux.Sysctl = map[string]string{"kernel.core_pattern": "|/bin/evil"} }, nil, "is not namespaced"},
		{"apparmor", func(s *specs.Spec) { s.Process.ApparmorProfile = "minirun-test-unloaded" }, nil, apparmorRefusal()},
		{"hook", func(s *specs.Spec) {
			s.Hooks = &specs.Hooks{CreateRuntime: []specs.Hook{{Path: "/bin/false"}}}
		}, nil, "error running createRuntime hook #0"},
	}
	for _, c := range cases {
		b := e.bundle(c.name, c.mutate)
		if c.prep != nil {
			c.prep(b)
		}
		r := e.run("create", "--bundle", b, c.name)
		if r.code != 1 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", c.name, r.code, r.stderr, c.want)
		}
		if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n > 0 {
			t.Errorf("%s: error is %d lines, want one: %q", c.name, n+1, r.stderr)
		}
		e.checkNothingLeft(c.name, c.name)
	}
}

func TestBadIDsAndUnknownContainers(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", nil)
	for _, id := range []string{"../x", "a/b", "..", ""} {
		if r := e.run("create", "--bundle", b, id); r.code != 1 || !strings.Contains(r.stderr, "container id") {
			t.Errorf("id %q: exit %d %q", id, r.code, r.stderr)
		}
	}
	for _, args := range [][]string{{"state", "nope"}, {"start", "nope"}, {"kill", "nope"}, {"delete", "nope"}, {"exec", "nope", "true"}} {
		want := 1
		if args[0] == "exec" {
			want = 255 // runc's exec.bats "exit codes"
		}
		if r := e.run(args...); r.code != want || !strings.Contains(r.stderr, `container "nope" does not exist`) {
			t.Errorf("%v: exit %d %q", args, r.code, r.stderr)
		}
	}
	e.ok("create", "--bundle", b, "dup")
	if r := e.run("create", "--bundle", b, "dup"); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("duplicate id: %d %q", r.code, r.stderr)
	}
	if st := e.state("dup"); st["status"] != "created" {
		t.Errorf("duplicate create disturbed the first container: %v", st)
	}
}

func TestJSONLogLines(t *testing.T) {
	e := newEnv(t)
	log := filepath.Join(e.dir, "log.json")
	r := e.run("--log", log, "--log-format", "json", "state", "missing")
	if r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	b, _ := os.ReadFile(log)
	var line map[string]string
	if err := json.Unmarshal([]byte(lastLine(string(b))), &line); err != nil {
		t.Fatalf("log %q: %v", b, err)
	}
	if line["level"] != "error" || !strings.Contains(line["msg"], "does not exist") || line["time"] == "" {
		t.Fatalf("log line %v", line)
	}
}

// apparmorRefusal is how a profile that cannot be applied is refused:
// this machine kind has no AppArmor, the VM's kernel has it enabled.
func apparmorRefusal() string {
	if b, err := os.ReadFile("/sys/module/apparmor/parameters/enabled"); err == nil && strings.HasPrefix(string(b), "Y") {
		return `apparmor profile "minirun-test-unloaded" is not loaded`
	}
	return "apparmor is not enabled"
}
