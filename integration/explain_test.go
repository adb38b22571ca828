package integration

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/minirun/minirun/pkg/specgen"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

type explained struct {
	RootOnHost   string              `json:"rootOnHost"`
	Capabilities map[string][]string `json:"capabilities"`
	Seccomp      struct {
		Mode   string   `json:"mode"`
		Denied []string `json:"denied"`
	} `json:"seccomp"`
	Cgroup map[string]string `json:"cgroup"`
	Weak   []string          `json:"weakPoints"`
}

func (e *env) explain(id string) explained {
	e.t.Helper()
	var x explained
	out := e.ok("explain", "--format", "json", id)
	must(e.t, json.Unmarshal([]byte(out), &x))
	return x
}

func TestExplainShowsRealKernelState(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "plain", nil)
	runningSleep(e, "hard", func(s *specs.Spec) {
		specgen.Harden(s)
		limit := int64(50)
		s.Linux.Resources = &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: &limit}}
	})
	plain, hard := e.explain("plain"), e.explain("hard")
	pw, hw := strings.Join(plain.Weak, "\n"), strings.Join(hard.Weak, "\n")
	if plain.RootOnHost != "0" || !strings.Contains(pw, "runs as host root") || !strings.Contains(pw, "no seccomp") || !strings.Contains(pw, "no pids limit") {
		t.Fatalf("plain container: root %s, weak points %q", plain.RootOnHost, pw)
	}
	if hard.RootOnHost != "100000" || hard.Seccomp.Mode != "filter" || len(hard.Capabilities["effective"]) != 14 ||
		hard.Cgroup["pids.max"] != "50" || strings.Contains(hw, "host root") || strings.Contains(hw, "seccomp") || strings.Contains(hw, "pids") {
		t.Fatalf("hardened container: %+v", hard)
	}
	if !strings.Contains(strings.Join(hard.Seccomp.Denied, " "), "keyctl") {
		t.Fatalf("denied syscalls %v", hard.Seccomp.Denied)
	}
	if out := e.ok("explain", "hard"); !strings.Contains(out, "root inside is host uid 100000") || !strings.Contains(out, "weak points:") {
		t.Fatalf("text output:\n%s", out)
	}
	e.ok("kill", "plain", "KILL")
	waitFor(t, "plain to stop", func() bool { return e.state("plain")["status"] == "stopped" })
	if r := e.run("explain", "plain"); r.code != 1 || !strings.Contains(r.stderr, "stopped") {
		t.Fatalf("explain of a stopped container: exit %d %q", r.code, r.stderr)
	}
	if r := e.run("explain", "nosuch"); r.code != 1 || !strings.Contains(r.stderr, "does not exist") {
		t.Fatalf("explain of an unknown id: exit %d %q", r.code, r.stderr)
	}
}
