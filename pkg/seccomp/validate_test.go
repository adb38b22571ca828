package seccomp

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func specWith(sc *specs.LinuxSeccomp) *specs.Spec {
	return &specs.Spec{Linux: &specs.Linux{Seccomp: sc}}
}

func errno(v uint) *uint { return &v }

// errnoRet only means something to SCMP_ACT_ERRNO and SCMP_ACT_TRACE; on
// any other action it would be dropped without a word, so it is refused.
func TestValidateErrnoRetNeedsErrnoOrTrace(t *testing.T) {
	allow := specs.LinuxSyscall{Names: []string{"read"}, Action: specs.ActAllow}
	cases := []struct {
		name string
		sc   *specs.LinuxSeccomp
		want string // "" for valid
	}{
		{"kill", &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{allow, allow,
			{Names: []string{"mkdir"}, Action: specs.ActKill, ErrnoRet: errno(1)}}},
			"linux.seccomp.syscalls[2].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, action is SCMP_ACT_KILL"},
		{"allow", &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Syscalls: []specs.LinuxSyscall{
			{Names: []string{"read"}, Action: specs.ActAllow, ErrnoRet: errno(0)}}},
			"linux.seccomp.syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, action is SCMP_ACT_ALLOW"},
		{"default", &specs.LinuxSeccomp{DefaultAction: specs.ActKillProcess, DefaultErrnoRet: errno(1)},
			"linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, defaultAction is SCMP_ACT_KILL_PROCESS"},
		{"errno", &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, DefaultErrnoRet: errno(38), Syscalls: []specs.LinuxSyscall{
			{Names: []string{"mkdir"}, Action: specs.ActErrno, ErrnoRet: errno(13)}}}, ""},
		{"trace", &specs.LinuxSeccomp{DefaultAction: specs.ActTrace, DefaultErrnoRet: errno(1), Syscalls: []specs.LinuxSyscall{
			{Names: []string{"mkdir"}, Action: specs.ActTrace, ErrnoRet: errno(13)}}}, ""},
	}
	for _, c := range cases {
		err := Validate(specWith(c.sc))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v, want valid", c.name, err)
		case c.want != "" && (err == nil || err.Error() != c.want):
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// A notified write would hang the init: it reports to the runtime with
// write(2) after the filter is loaded and before the listener can answer.
func TestValidateNotifyNotOnWrite(t *testing.T) {
	base := func() *specs.LinuxSeccomp {
		return &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, ListenerPath: "/run/agent.sock"}
	}
	sc := base()
	sc.Syscalls = []specs.LinuxSyscall{{Names: []string{"mkdir"}, Action: specs.ActNotify},
		{Names: []string{"read", "write"}, Action: specs.ActNotify}}
	err := Validate(specWith(sc))
	if err == nil || !strings.HasPrefix(err.Error(), "linux.seccomp.syscalls[1].names[1]: SCMP_ACT_NOTIFY cannot be used for the write syscall") {
		t.Errorf("notify on write: %v", err)
	}
	sc = base()
	sc.DefaultAction = specs.ActNotify
	if err := Validate(specWith(sc)); err == nil || !strings.HasPrefix(err.Error(), "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be used as the default action") {
		t.Errorf("notify as default: %v", err)
	}
	sc = base()
	sc.Syscalls = []specs.LinuxSyscall{{Names: []string{"mkdir", "read"}, Action: specs.ActNotify},
		{Names: []string{"write"}, Action: specs.ActAllow}}
	if err := Validate(specWith(sc)); err != nil {
		t.Errorf("notify on mkdir and read: %v", err)
	}
}
