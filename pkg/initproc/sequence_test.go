package initproc

import (
	"strings"
	"testing"

	"github.com/minirun/minirun/pkg/caps"
	"github.com/minirun/minirun/pkg/protocol"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// recorder is a kernel that only records which calls happen, in order.
type recorder struct{ calls []string }

func (r *recorder) rec(s string) error                   { r.calls = append(r.calls, s); return nil }
func (r *recorder) SetRlimits([]specs.POSIXRlimit) error { return r.rec("rlimits") }
func (r *recorder) ApplyLSM() error                      { return r.rec("lsm") }
func (r *recorder) SetProcessAttrs(procAttrs) error      { return r.rec("attrs") }
func (r *recorder) SetNoNewPrivs() error                 { return r.rec("nnp") }
func (r *recorder) LoadSeccomp([]byte, uint) error       { return r.rec("seccomp") }
func (r *recorder) DropBounding(caps.Sets) error         { return r.rec("bounding") }
func (r *recorder) SwitchUser(u specs.User) error {
	if u.UID != 0 {
		return r.rec("user:nonroot")
	}
	return r.rec("user:root")
}
func (r *recorder) ApplyCaps(caps.Sets) error               { return r.rec("caps") }
func (r *recorder) EnterCwd(int, string) error              { return r.rec("chdir") }
func (r *recorder) CloseOnExec(int) error                   { return r.rec("cloexec") }
func (r *recorder) Execve(string, []string, []string) error { return r.rec("execve") }

func TestSecurityOrder(t *testing.T) {
	cases := []struct {
		nnp, seccomp bool
		uid          uint32
		want         string
	}{
		{false, false, 0, "attrs lsm cloexec bounding user:root caps chdir | cloexec rlimits execve"},
		{false, true, 0, "attrs lsm cloexec seccomp bounding user:root caps chdir | cloexec rlimits execve"},
		{true, false, 0, "attrs lsm cloexec nnp bounding user:root caps chdir | cloexec rlimits execve"},
		{true, true, 0, "attrs lsm cloexec nnp bounding user:root caps chdir | cloexec rlimits seccomp execve"},
		{false, false, 1000, "attrs lsm cloexec bounding user:nonroot caps chdir | cloexec rlimits execve"},
		{false, true, 1000, "attrs lsm cloexec seccomp bounding user:nonroot caps chdir | cloexec rlimits execve"},
		{true, false, 1000, "attrs lsm cloexec nnp bounding user:nonroot caps chdir | cloexec rlimits execve"},
		{true, true, 1000, "attrs lsm cloexec nnp bounding user:nonroot caps chdir | cloexec rlimits seccomp execve"},
	}
	for _, c := range cases {
		s := &specs.Spec{Process: &specs.Process{Args: []string{"x"}, NoNewPrivileges: c.nnp, User: specs.User{UID: c.uid}},
			Linux: &specs.Linux{}}
		cfg := &protocol.Config{Spec: s, Fds: protocol.ChildFds{FirstFree: 3}}
		if c.seccomp {
			s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow}
			cfg.Seccomp = make([]byte, 8)
		}
		r := &recorder{}
		p, err := applySecurity(r, cfg, 0)
		if err != nil {
			t.Fatal(err)
		}
		r.rec("|")
		p.exec()
		if got := strings.Join(r.calls, " "); got != c.want {
			t.Errorf("nnp=%v seccomp=%v uid=%d:\n got %s\nwant %s", c.nnp, c.seccomp, c.uid, got, c.want)
		}
	}
}

// The per-thread attributes are converted from the config; the exec
// affinity is the exec'd process's only (the spec exempts the init).
func TestProcessAttrsFromConfig(t *testing.T) {
	s := &specs.Spec{Process: &specs.Process{Args: []string{"x"},
		Scheduler:       &specs.Scheduler{Policy: specs.SchedBatch, Nice: 5},
		IOPriority:      &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_IDLE},
		ExecCPUAffinity: &specs.CPUAffinity{Initial: "0", Final: "1"}},
		Linux: &specs.Linux{Personality: &specs.LinuxPersonality{Domain: specs.PerLinux32},
			MemoryPolicy: &specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "0"}}}
	a, err := attrsOf(&protocol.Config{Spec: s})
	if err != nil {
		t.Fatal(err)
	}
	if a.sched == nil || a.sched.Policy != 3 || a.sched.Nice != 5 || a.ioprio == nil || *a.ioprio != 3<<13 ||
		a.personality == nil || *a.personality != 8 || a.mempolicy == nil || a.mempolicy.Mode != 2 || a.affinity != nil {
		t.Fatalf("create: %+v", a)
	}
	a, err = attrsOf(&protocol.Config{Spec: s, Exec: true})
	if err != nil || a.affinity == nil || a.affinity.IsSet(0) || !a.affinity.IsSet(1) {
		t.Fatalf("exec: %+v %v", a, err)
	}
	s.Process.Scheduler.Policy = "SCHED_NOPE"
	if _, err := attrsOf(&protocol.Config{Spec: s}); err == nil || !strings.Contains(err.Error(), "process.scheduler.policy") {
		t.Fatalf("bad policy: %v", err)
	}
}
