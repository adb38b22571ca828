package integration

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
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

// `run --audit FILE` starts the supervisor itself and merges the audited
// syscalls into the config's own profile: the profile's denials stay.
func TestAuditFlagOnRun(t *testing.T) {
	e := newEnv(t)
	logPath := filepath.Join(e.dir, "audit.log")
	b := e.bundle("c", func(s *specs.Spec) {
		s.Root.Readonly = false
		// The profile denies keyctl: --audit must not make it allowed.
		s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{
			{Names: []string{"keyctl"}, Action: specs.ActErrno}}}
		s.Process.Args = []string{"sh", "-c", "mkdir -p /tmp/m; mount -t tmpfs t /tmp/m 2>&1; echo after-mount"}
	})
	r := e.run("run", "--audit", logPath, "--audit-syscalls", "mount,keyctl", "--bundle", b, "c")
	if r.code != 0 || !strings.Contains(r.stdout, "after-mount") {
		t.Fatalf("run --audit: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "keyctl") {
		t.Errorf("no warning that keyctl stays with the profile's own rule: %q", r.stderr)
	}
	waitFor(t, "the mount event", func() bool {
		log, _ := os.ReadFile(logPath)
		return strings.Contains(string(log), `"syscall":"mount"`)
	})
	waitFor(t, "the supervisor to exit", func() bool { return len(processesWithArg(logPath)) == 0 })
}

// A container created with --audit and deleted before start leaves no
// supervisor behind; a config that has its own listenerPath is refused.
func TestAuditFlagCleanupAndRefusal(t *testing.T) {
	e := newEnv(t)
	logPath := filepath.Join(e.dir, "audit.log")
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "100"} })
	e.ok("create", "--audit", logPath, "--bundle", b, "c")
	if len(processesWithArg(logPath)) != 1 {
		t.Fatalf("want one supervisor while the container exists, have %v", processesWithArg(logPath))
	}
	e.ok("delete", "--force", "c")
	waitFor(t, "the supervisor to go with the container", func() bool { return len(processesWithArg(logPath)) == 0 })

	b2 := e.bundle("d", func(s *specs.Spec) {
		s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, ListenerPath: filepath.Join(e.dir, "other.sock")}
	})
	r := e.run("create", "--audit", logPath, "--bundle", b2, "d")
	if r.code == 0 || !strings.Contains(r.stderr, "listenerPath") {
		t.Fatalf("--audit with the config's own listenerPath: exit %d, stderr %q", r.code, r.stderr)
	}
	if out := e.ok("list", "-q"); strings.TrimSpace(out) != "" {
		t.Fatalf("refused create left %q", out)
	}
	// A FIFO as the log would hang root's open (and the create): refused.
	fifo := filepath.Join(e.dir, "audit.fifo")
	must(t, syscall.Mkfifo(fifo, 0o600))
	// (O_NONBLOCK: a FIFO without a reader fails at once, ENXIO; with one,
	// the regular-file check refuses it.)
	if r := e.run("create", "--audit", fifo, "--bundle", b, "f"); r.code == 0 || !strings.Contains(r.stderr, "--audit") || !strings.Contains(r.stderr, fifo) {
		t.Fatalf("--audit FIFO: exit %d, stderr %q", r.code, r.stderr)
	}
	e.checkNothingLeft("f", "f")
	if r := e.run("create", "--audit-syscalls", "mount", "--bundle", b, "x"); r.code == 0 || !strings.Contains(r.stderr, "--audit") {
		t.Fatalf("--audit-syscalls without --audit: exit %d, stderr %q", r.code, r.stderr)
	}
}

// processesWithArg lists the pids whose command line has arg.
func processesWithArg(arg string) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, d := range ents {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", d.Name(), "cmdline"))
		for _, a := range strings.Split(string(cmdline), "\x00") {
			if a == arg {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}
