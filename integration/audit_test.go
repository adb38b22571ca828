package integration

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minirun/minirun/pkg/audit"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The audit supervisor logs a notified syscall and lets it continue (the
// container's mount fails with EPERM from the kernel, not from the filter:
// it lacks CAP_SYS_ADMIN), then exits by itself when the container is gone.
func TestAuditListenerLogsAndContinues(t *testing.T) {
	e := newEnv(t)
	sock, logPath := filepath.Join(e.dir, "audit.sock"), filepath.Join(e.dir, "audit.log")
	sup := exec.Command(minirun, "audit-listen", "--log", logPath, sock)
	sup.Stderr = os.Stderr
	must(t, sup.Start())
	done := make(chan struct{})
	go func() { sup.Wait(); close(done) }()
	defer func() {
		sup.Process.Kill() // harmless once it exited
		<-done
	}()
	waitFor(t, "the audit socket", func() bool { _, err := os.Stat(sock); return err == nil })
	b := e.bundle("c", func(s *specs.Spec) {
		s.Root.Readonly = false
		s.Linux.Seccomp, _ = audit.Merge(nil, audit.DefaultSyscalls)
		s.Linux.Seccomp.ListenerPath = sock
		s.Process.Args = []string{"sh", "-c", "mkdir -p /tmp/m; mount -t tmpfs t /tmp/m 2>&1; echo after-mount"}
	})
	out := e.ok("run", "--bundle", b, "c")
	if !strings.Contains(out, "after-mount") || !strings.Contains(out, "ermission denied") {
		t.Fatalf("container output %q: want the mount to reach the kernel and fail there", out)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the audit supervisor did not exit after the container")
	}
	log, _ := os.ReadFile(logPath)
	var found bool
	for _, line := range strings.Split(strings.TrimSpace(string(log)), "\n") {
		var ev audit.Event
		must(t, json.Unmarshal([]byte(line), &ev))
		if ev.Syscall == "mount" && ev.Container == "c" && ev.Result == "continue" && ev.Pid > 0 && len(ev.Args) == 6 {
			found = true
		}
	}
	if !found {
		t.Fatalf("no mount event in the audit log:\n%s", log)
	}
	if _, err := os.Stat(sock); err == nil {
		t.Error("the audit socket was left behind")
	}
}
