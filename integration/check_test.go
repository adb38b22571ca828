package integration

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minirun/minirun/pkg/specgen"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestCheckAuditsABundle(t *testing.T) {
	e := newEnv(t)
	weak := e.bundle("weak", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/host", Type: "bind", Source: "/", Options: []string{"rbind"}})
	})
	r := e.run("check", weak)
	if r.code != 3 || !strings.Contains(r.stdout, "MR101 high") || !strings.Contains(r.stdout, "MR502 critical") {
		t.Fatalf("weak bundle: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	strong := e.bundle("strong", func(s *specs.Spec) {
		specgen.Harden(s)
		limit, mem := int64(64), int64(64<<20)
		s.Linux.Resources = &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: &limit}, Memory: &specs.LinuxMemory{Limit: &mem}}
	})
	r = e.run("check", "--format", "json", strong)
	var fs []struct{ ID, Severity string }
	if err := json.Unmarshal([]byte(r.stdout), &fs); err != nil || r.code != 0 {
		t.Fatalf("hardened bundle: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	for _, f := range fs {
		if f.Severity == "high" || f.Severity == "critical" {
			t.Fatalf("hardened bundle has a %s finding: %+v", f.Severity, f)
		}
	}
	if r := e.run("check", "--fail-on", "low", strong); r.code != 3 {
		t.Fatalf("--fail-on low on a bundle with a medium finding (deny-list seccomp): exit %d\n%s", r.code, r.stdout)
	}
	if r := e.run("check", filepath.Join(e.dir, "missing")); r.code != 1 || !strings.Contains(r.stderr, "config.json") {
		t.Fatalf("missing bundle: exit %d %q", r.code, r.stderr)
	}
	if r := e.run("check", "--fail-on", "severe", strong); r.code != 1 || !strings.Contains(r.stderr, "--fail-on") {
		t.Fatalf("bad --fail-on: exit %d %q", r.code, r.stderr)
	}
}
