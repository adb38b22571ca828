package integration

import (
	"bufio"
	"encoding/json"
	"os/exec"
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
