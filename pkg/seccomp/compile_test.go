//go:build cgo

package seccomp

import (
	"encoding/binary"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/net/bpf"
)

const (
	archX8664 = 0xC000003E
	archX86   = 0x40000003
	retAllow  = 0x7fff0000
	retKill   = 0x80000000 // SECCOMP_RET_KILL_PROCESS
	retErrnoK = 0x00050000
)

// run evaluates a compiled filter on a synthetic struct seccomp_data.
// x/net/bpf loads words big-endian, so each 32-bit field is written that
// way at its little-endian offset (an argument's low word first).
func run(t *testing.T, prog []byte, arch, nr uint32, args ...uint64) uint32 {
	t.Helper()
	raw := make([]bpf.RawInstruction, len(prog)/8)
	for i := range raw {
		raw[i] = bpf.RawInstruction{
			Op: binary.NativeEndian.Uint16(prog[8*i:]), Jt: prog[8*i+2], Jf: prog[8*i+3],
			K: binary.NativeEndian.Uint32(prog[8*i+4:]),
		}
	}
	insns, ok := bpf.Disassemble(raw)
	if !ok {
		t.Fatal("filter does not disassemble")
	}
	vm, err := bpf.NewVM(insns)
	if err != nil {
		t.Fatalf("vm: %v", err)
	}
	data := make([]byte, 64)
	binary.BigEndian.PutUint32(data[0:], nr)
	binary.BigEndian.PutUint32(data[4:], arch)
	for i, a := range args {
		binary.BigEndian.PutUint32(data[16+8*i:], uint32(a))
		binary.BigEndian.PutUint32(data[16+8*i+4:], uint32(a>>32))
	}
	ret, err := vm.Run(data)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return uint32(ret)
}

func compile(t *testing.T, sc *specs.LinuxSeccomp) []byte {
	t.Helper()
	prog, _, err := Compile(sc)
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

func u(v uint) *uint { return &v }

func TestActionsPerSyscall(t *testing.T) {
	prog := compile(t, &specs.LinuxSeccomp{
		DefaultAction: specs.ActErrno, DefaultErrnoRet: u(1),
		Architectures: []specs.Arch{specs.ArchX86_64},
		Syscalls: []specs.LinuxSyscall{
			{Names: []string{"read", "write", "exit_group", "clone3"}, Action: specs.ActAllow},
			{Names: []string{"mkdir"}, Action: specs.ActErrno, ErrnoRet: u(13)},
			{Names: []string{"reboot"}, Action: specs.ActKillProcess},
		},
	})
	cases := []struct {
		nr   uint32
		want uint32
	}{
		{0, retAllow},             // read
		{1, retAllow},             // write
		{83, retErrnoK | 13},      // mkdir: errnoRet 13
		{169, retKill},            // reboot
		{2, retErrnoK | 1},        // open: default errno 1
		{435, retAllow},           // clone3 named: allowed
		{999, retErrnoK | enosys}, // newer than anything in the profile
	}
	for _, c := range cases {
		if got := run(t, prog, archX8664, c.nr); got != c.want {
			t.Errorf("syscall %d: action %#x, want %#x", c.nr, got, c.want)
		}
	}
}

// A profile that lists only x86_64 must not let 32-bit (int 0x80) calls through.
func TestForeignArchIsKilled(t *testing.T) {
	prog := compile(t, &specs.LinuxSeccomp{
		DefaultAction: specs.ActErrno, Architectures: []specs.Arch{specs.ArchX86_64},
		Syscalls: []specs.LinuxSyscall{{Names: []string{"read"}, Action: specs.ActAllow}},
	})
	if got := run(t, prog, archX86, 3); got == retAllow || got>>16 == retErrnoK>>16 {
		t.Fatalf("i386 read: action %#x, want a kill", got)
	}
}

func TestClone3WithoutRuleGetsENOSYS(t *testing.T) {
	prog := compile(t, &specs.LinuxSeccomp{
		DefaultAction: specs.ActErrno, Architectures: []specs.Arch{specs.ArchX86_64},
		Syscalls: []specs.LinuxSyscall{{Names: []string{"read", "landlock_create_ruleset"}, Action: specs.ActAllow}},
	})
	if got := run(t, prog, archX8664, 435); got != retErrnoK|enosys {
		t.Fatalf("clone3: %#x, want ENOSYS so libc falls back to clone", got)
	}
	if got := run(t, prog, archX8664, 2); got != retErrnoK|1 {
		t.Fatalf("open (older than the newest named): %#x, want the default EPERM", got)
	}
}

func TestArgumentConditions(t *testing.T) {
	prog := compile(t, &specs.LinuxSeccomp{
		DefaultAction: specs.ActAllow, Architectures: []specs.Arch{specs.ArchX86_64},
		Syscalls: []specs.LinuxSyscall{
			// personality(0xffffffff) allowed, anything else EPERM: Docker's rule shape.
			{Names: []string{"personality"}, Action: specs.ActErrno, Args: []specs.LinuxSeccompArg{{Index: 0, Value: 0xffffffff, Op: specs.OpNotEqual}}},
			// clone with CLONE_NEWUSER in flags is refused (masked equality).
			{Names: []string{"clone"}, Action: specs.ActErrno, Args: []specs.LinuxSeccompArg{{Index: 0, Value: 0x10000000, ValueTwo: 0x10000000, Op: specs.OpMaskedEqual}}},
			{Names: []string{"kill"}, Action: specs.ActErrno, Args: []specs.LinuxSeccompArg{{Index: 1, Value: 9, Op: specs.OpGreaterEqual}}},
		},
	})
	checks := []struct {
		nr   uint32
		arg  []uint64
		want uint32
	}{
		{135, []uint64{0xffffffff}, retAllow}, {135, []uint64{8}, retErrnoK | 1},
		{56, []uint64{0x10000000 | 0x11}, retErrnoK | 1}, {56, []uint64{0x11}, retAllow},
		{62, []uint64{1, 15}, retErrnoK | 1}, {62, []uint64{1, 2}, retAllow},
	}
	for _, c := range checks {
		if got := run(t, prog, archX8664, c.nr, c.arg...); got != c.want {
			t.Errorf("syscall %d args %v: %#x, want %#x", c.nr, c.arg, got, c.want)
		}
	}
}

func TestUnknownSyscallNameIsAWarning(t *testing.T) {
	_, warnings, err := Compile(&specs.LinuxSeccomp{DefaultAction: specs.ActAllow,
		Syscalls: []specs.LinuxSyscall{{Names: []string{"no_such_syscall", "read"}, Action: specs.ActErrno}}})
	if err != nil || len(warnings) != 1 {
		t.Fatalf("err %v warnings %v", err, warnings)
	}
}

// Two conditions on one argument cannot be ANDed in one libseccomp rule;
// runc then adds each condition as a rule of its own, so the syscall
// matches when any of them holds. Docker's profile has this shape for
// personality (arg0 == 0, arg0 == 8, ...).
func TestSameArgumentConditionsBecomeSeparateRules(t *testing.T) {
	prog := compile(t, &specs.LinuxSeccomp{
		DefaultAction: specs.ActErrno, Architectures: []specs.Arch{specs.ArchX86_64},
		Syscalls: []specs.LinuxSyscall{
			{Names: []string{"exit_group"}, Action: specs.ActAllow},
			{Names: []string{"personality"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{
				{Index: 0, Value: 0, Op: specs.OpEqualTo},
				{Index: 0, Value: 8, Op: specs.OpEqualTo},
			}},
			// Mixed: one argument twice, another once; every condition
			// becomes its own rule, as in runc.
			{Names: []string{"kill"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{
				{Index: 0, Value: 1, Op: specs.OpEqualTo},
				{Index: 0, Value: 2, Op: specs.OpEqualTo},
				{Index: 1, Value: 15, Op: specs.OpEqualTo},
			}},
		},
	})
	checks := []struct {
		nr   uint32
		arg  []uint64
		want uint32
	}{
		{135, []uint64{0}, retAllow}, {135, []uint64{8}, retAllow}, {135, []uint64{4}, retErrnoK | 1},
		{62, []uint64{1, 9}, retAllow}, {62, []uint64{2, 9}, retAllow},
		{62, []uint64{3, 15}, retAllow}, {62, []uint64{3, 9}, retErrnoK | 1},
	}
	for _, c := range checks {
		if got := run(t, prog, archX8664, c.nr, c.arg...); got != c.want {
			t.Errorf("syscall %d args %v: %#x, want %#x", c.nr, c.arg, got, c.want)
		}
	}
}
