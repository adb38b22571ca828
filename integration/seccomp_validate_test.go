package integration

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Profiles whose meaning would be lost or would hang the container are
// refused before anything is made: one line naming the field, exit 1.
func TestSeccompProfileRefusals(t *testing.T) {
	e := newEnv(t)
	allow := specs.LinuxSyscall{Names: []string{"read"}, Action: specs.ActAllow}
	cases := []struct {
		name string
		sc   *specs.LinuxSeccomp
		want string
	}{
		{"errnoret-kill", &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{allow, allow,
			{Names: []string{"mkdir"}, Action: specs.ActKill, ErrnoRet: errnoPtr(13)}}},
			"linux.seccomp.syscalls[2].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, action is SCMP_ACT_KILL"},
		{"notify-write", &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, ListenerPath: "/nonexistent.sock",
			Syscalls: []specs.LinuxSyscall{{Names: []string{"write"}, Action: specs.ActNotify}}},
			"linux.seccomp.syscalls[0].names[0]: SCMP_ACT_NOTIFY cannot be used for the write syscall"},
	}
	for _, c := range cases {
		b := e.bundle(c.name, func(s *specs.Spec) { s.Linux.Seccomp = c.sc })
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
