package integration

import (
	"bufio"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// runc's `events` (without --stats) streams {"type":"oom","id":...} when
// the kernel OOM-kills a process of the container, as it happens: Docker
// reads it to mark the container OOMKilled.
func TestEventsStreamsOOM(t *testing.T) {
	e := newEnv(t)
	limit := int64(16 << 20)
	runningSleep(e, "oom", func(s *specs.Spec) {
		s.Linux.Resources.Memory = &specs.LinuxMemory{Limit: &limit, Swap: &limit}
	})
	cmd := exec.Command(minirun, "--root", e.root, "events", "oom")
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	time.Sleep(500 * time.Millisecond) // let events take its baseline
	if r := e.run("exec", "oom", "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"); r.code == 0 {
		t.Fatal("allocation beyond the memory limit succeeded")
	}
	deadline := time.After(3 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("events exited without an oom event")
			}
			var ev struct{ Type, ID string }
			if json.Unmarshal([]byte(l), &ev) == nil && ev.Type == "oom" {
				if ev.ID != "oom" || strings.Contains(l, `"data"`) {
					t.Fatalf("oom event %s, want {\"type\":\"oom\",\"id\":\"oom\"}", l)
				}
				return
			}
		case <-deadline:
			t.Fatal("no oom event within 3s of the OOM kill")
		}
	}
}

// exec.bats "exit codes": a failure to start the process exits 255, so it
// is told apart from the process's own status; cgroups.bats: exec into a
// paused container is refused unless --ignore-paused.
func TestExecRuntimeErrorsExit255(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "c", nil)
	for _, args := range [][]string{
		{"exec", "--pid-file", "/non-existent/directory/pid", "c", "true"},
		{"exec", "c", "no-such-binary"},
		{"exec", "no_such_container", "true"},
	} {
		if r := e.run(args...); r.code != 255 || !strings.Contains(r.stderr, "exec failed: ") {
			t.Errorf("%v: exit %d, %q; want 255 and \"exec failed: \"", args, r.code, r.stderr)
		}
	}
	if r := e.run("exec", "c", "sh", "-c", "exit 42"); r.code != 42 {
		t.Errorf("the process's own status: %d, want 42", r.code)
	}
	e.ok("pause", "c")
	r := e.run("exec", "c", "true")
	if r.code != 255 || !strings.Contains(r.stderr, "cannot exec in a paused container") {
		t.Errorf("exec in paused: exit %d, %q", r.code, r.stderr)
	}
	go func() { time.Sleep(time.Second); e.run("resume", "c") }()
	if out := e.ok("exec", "--ignore-paused", "c", "echo", "ok"); out != "ok\n" {
		t.Errorf("exec --ignore-paused printed %q", out)
	}
}

// runc's list: a missing default root is an empty list, a missing --root
// an error.
func TestListMissingRoot(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-root")
	out, err := exec.Command(minirun, "--root", missing, "list").CombinedOutput()
	if code := exitStatus(err); code != 1 || !strings.Contains(string(out), "open "+missing+": no such file or directory") {
		t.Errorf("list --root %s: exit %d, %q", missing, code, out)
	}
}

func exitStatus(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// runc's update spells the flag --cpu-share.
func TestUpdateCPUShareSpelling(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "c", nil)
	e.ok("update", "--cpu-share", "512", "c")
	if !cgroupV2() {
		if got := v1File(e, "c", "cpu", "cpu.shares"); got != "512" {
			t.Errorf("cpu.shares is %q after update --cpu-share 512", got)
		}
	}
}
