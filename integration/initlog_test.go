package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Under --debug the init's own steps reach the runtime's log through a
// pipe, re-emitted in the runtime's format (as runc forwards its init's
// logs); they never reach the container's stdio, and without --debug the
// init says nothing.
func TestInitLogsReachTheRuntimesLog(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"echo", "from-container"} })
	r := e.run("--debug", "run", "--bundle", b, "c")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "from-container" {
		t.Fatalf("--debug run: exit %d, stdout %q (the container's output must be untouched)", r.code, r.stdout)
	}
	for _, want := range []string{"init: config received (create)", "init: rootfs ", "init: process prepared", "init: exec /bin/echo"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("--debug stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	// JSON, to a file: each forwarded line is one of runc's JSON lines.
	logFile := filepath.Join(e.dir, "log.json")
	e.ok("--debug", "--log", logFile, "--log-format", "json", "run", "--bundle", b, "j")
	raw, _ := os.ReadFile(logFile)
	var initLines int
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var l struct{ Level, Msg, Time string }
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("not a JSON log line: %q", line)
		}
		if strings.HasPrefix(l.Msg, "init: ") && l.Level == "debug" && l.Time != "" {
			initLines++
		}
	}
	if initLines < 3 {
		t.Errorf("%d init lines in the JSON log:\n%s", initLines, raw)
	}
	// exec's init too.
	runningSleep(e, "s", nil)
	if r := e.run("--debug", "exec", "s", "true"); r.code != 0 || !strings.Contains(r.stderr, "init: config received (exec)") {
		t.Errorf("--debug exec: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := e.run("run", "--bundle", b, "q"); strings.Contains(r.stderr, "init:") {
		t.Errorf("without --debug the init logged: %q", r.stderr)
	}
}
