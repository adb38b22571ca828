//go:build cgo

package seccomp

import (
	"fmt"
	"io"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// Compile turns the profile into a BPF program (struct sock_filter array).
// Syscall names libseccomp does not know are skipped and reported.
func Compile(sc *specs.LinuxSeccomp) (bpf []byte, warnings []string, err error) {
	def, err := action(sc.DefaultAction, sc.DefaultErrnoRet)
	if err != nil {
		return nil, nil, fmt.Errorf("linux.seccomp.defaultAction: %w", err)
	}
	f, err := libseccomp.NewFilter(def)
	if err != nil {
		return nil, nil, fmt.Errorf("create seccomp filter: %w", err)
	}
	defer f.Release()
	// A call from a foreign architecture kills the whole process: killing
	// only the thread can leave a multi-threaded program hung.
	if err := f.SetBadArchAction(libseccomp.ActKillProcess); err != nil {
		return nil, nil, fmt.Errorf("seccomp: set bad-arch action: %w", err)
	}
	// no_new_privs is the init sequence's decision, not the filter's.
	if err := f.SetNoNewPrivsBit(false); err != nil {
		return nil, nil, fmt.Errorf("seccomp: clear no_new_privs bit: %w", err)
	}
	for i, a := range sc.Architectures {
		arch, err := libseccomp.GetArchFromString(archName(a))
		if err != nil {
			return nil, nil, fmt.Errorf("linux.seccomp.architectures[%d]: unknown architecture %q", i, a)
		}
		if err := f.AddArch(arch); err != nil {
			return nil, nil, fmt.Errorf("linux.seccomp.architectures[%d]: %w", i, err)
		}
	}
	for i, sys := range sc.Syscalls {
		w, err := addRule(f, sys, sc.DefaultAction)
		if err != nil {
			return nil, nil, fmt.Errorf("linux.seccomp.syscalls[%d]: %w", i, err)
		}
		warnings = append(warnings, w...)
	}
	if bpf, err = export(f); err != nil {
		return nil, nil, err
	}
	if sc.DefaultAction == specs.ActAllow || sc.DefaultAction == specs.ActLog {
		return bpf, warnings, nil
	}
	bpf, err = Prepend(ENOSYSStub(archLimits(sc)), bpf)
	return bpf, warnings, err
}

var auditArch = map[libseccomp.ScmpArch]uint32{
	libseccomp.ArchAMD64: 0xC000003E, libseccomp.ArchX86: 0x40000003, libseccomp.ArchARM64: 0xC00000B7,
	libseccomp.ArchARM: 0x40000028, libseccomp.ArchPPC64LE: 0xC0000015, libseccomp.ArchS390X: 0x80000016,
	libseccomp.ArchRISCV64: 0xC00000F3,
}

// archLimits finds, per architecture of the filter, the highest syscall
// number the profile names. x32 shares x86_64's audit arch and is left to
// the profile itself.
func archLimits(sc *specs.LinuxSeccomp) []ArchLimit {
	archs := []libseccomp.ScmpArch{}
	for _, a := range sc.Architectures {
		if arch, err := libseccomp.GetArchFromString(archName(a)); err == nil {
			archs = append(archs, arch)
		}
	}
	if native, err := libseccomp.GetNativeArch(); err == nil {
		archs = append(archs, native)
	}
	seen := map[libseccomp.ScmpArch]bool{}
	var limits []ArchLimit
	for _, arch := range archs {
		aa, ok := auditArch[arch]
		if !ok || seen[arch] {
			continue
		}
		seen[arch] = true
		l := ArchLimit{AuditArch: aa, X32Capable: arch == libseccomp.ArchAMD64}
		for _, sys := range sc.Syscalls {
			for _, name := range sys.Names {
				nr, err := libseccomp.GetSyscallFromNameByArch(name, arch)
				if err != nil || nr < 0 {
					continue
				}
				if uint32(nr) > l.MaxNr {
					l.MaxNr = uint32(nr)
				}
				l.HasClone3 = l.HasClone3 || name == "clone3"
			}
		}
		if nr, err := libseccomp.GetSyscallFromNameByArch("clone3", arch); err == nil && nr > 0 {
			l.Clone3Nr = uint32(nr)
		}
		limits = append(limits, l)
	}
	return limits
}

func archName(a specs.Arch) string {
	s := string(a)
	if len(s) > 5 && s[:5] == "SCMP_" {
		s = s[5:]
	}
	if len(s) > 5 && s[:5] == "ARCH_" {
		s = s[5:]
	}
	return toLower(s)
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func action(a specs.LinuxSeccompAction, errnoRet *uint) (libseccomp.ScmpAction, error) {
	switch a {
	case specs.ActKill, specs.ActKillThread:
		return libseccomp.ActKillThread, nil
	case specs.ActKillProcess:
		return libseccomp.ActKillProcess, nil
	case specs.ActTrap:
		return libseccomp.ActTrap, nil
	case specs.ActErrno:
		code := int16(unix.EPERM)
		if errnoRet != nil {
			code = int16(*errnoRet)
		}
		return libseccomp.ActErrno.SetReturnCode(code), nil
	case specs.ActTrace:
		code := int16(unix.EPERM)
		if errnoRet != nil {
			code = int16(*errnoRet)
		}
		return libseccomp.ActTrace.SetReturnCode(code), nil
	case specs.ActAllow:
		return libseccomp.ActAllow, nil
	case specs.ActLog:
		return libseccomp.ActLog, nil
	case specs.ActNotify:
		return libseccomp.ActNotify, nil
	}
	return libseccomp.ActInvalid, fmt.Errorf("unknown action %q", a)
}

var ops = map[specs.LinuxSeccompOperator]libseccomp.ScmpCompareOp{
	specs.OpNotEqual: libseccomp.CompareNotEqual, specs.OpLessThan: libseccomp.CompareLess,
	specs.OpLessEqual: libseccomp.CompareLessOrEqual, specs.OpEqualTo: libseccomp.CompareEqual,
	specs.OpGreaterEqual: libseccomp.CompareGreaterEqual, specs.OpGreaterThan: libseccomp.CompareGreater,
	specs.OpMaskedEqual: libseccomp.CompareMaskedEqual,
}

func addRule(f *libseccomp.ScmpFilter, sys specs.LinuxSyscall, def specs.LinuxSeccompAction) ([]string, error) {
	act, err := action(sys.Action, sys.ErrnoRet)
	if err != nil {
		return nil, fmt.Errorf("action: %w", err)
	}
	// libseccomp refuses a rule whose action equals the default.
	if sys.Action == def && sys.ErrnoRet == nil {
		return nil, nil
	}
	var conds []libseccomp.ScmpCondition
	for j, a := range sys.Args {
		vals := []uint64{a.Value}
		if a.Op == specs.OpMaskedEqual {
			vals = []uint64{a.Value, a.ValueTwo}
		}
		c, err := libseccomp.MakeCondition(a.Index, ops[a.Op], vals...)
		if err != nil {
			return nil, fmt.Errorf("args[%d]: %w", j, err)
		}
		conds = append(conds, c)
	}
	rules := ruleConditions(sys.Args, conds)
	var warnings []string
	for _, name := range sys.Names {
		call, err := libseccomp.GetSyscallFromName(name)
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("seccomp: unknown syscall %q skipped", name))
			continue
		}
		if len(conds) == 0 {
			if err := f.AddRule(call, act); err != nil {
				return nil, fmt.Errorf("add rule for %s: %w", name, err)
			}
			continue
		}
		for _, rc := range rules {
			if err := f.AddRuleConditional(call, act, rc); err != nil {
				return nil, fmt.Errorf("add rule for %s: %w", name, err)
			}
		}
	}
	return warnings, nil
}

// ruleConditions groups a syscall's conditions into rules. libseccomp
// cannot AND two checks on the same argument ("two checks on same syscall
// argument"), so when any argument is named twice every condition becomes
// a rule of its own and the syscall matches when any one holds: runc's
// behaviour (libcontainer/seccomp matchCall), which Docker's profile relies on.
func ruleConditions(args []specs.LinuxSeccompArg, conds []libseccomp.ScmpCondition) [][]libseccomp.ScmpCondition {
	seen := map[uint]bool{}
	for _, a := range args {
		if seen[a.Index] {
			split := make([][]libseccomp.ScmpCondition, len(conds))
			for i, c := range conds {
				split[i] = []libseccomp.ScmpCondition{c}
			}
			return split
		}
		seen[a.Index] = true
	}
	return [][]libseccomp.ScmpCondition{conds}
}

func export(f *libseccomp.ScmpFilter) ([]byte, error) {
	fd, err := unix.MemfdCreate("seccomp-bpf", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("seccomp: memfd: %w", err)
	}
	mf := os.NewFile(uintptr(fd), "seccomp-bpf")
	defer mf.Close()
	if err := f.ExportBPF(mf); err != nil {
		return nil, fmt.Errorf("seccomp: export BPF: %w", err)
	}
	if _, err := mf.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("seccomp: rewind BPF: %w", err)
	}
	return io.ReadAll(mf)
}

// LibraryVersion names the libseccomp in use.
func LibraryVersion() string {
	a, b, c := libseccomp.GetLibraryVersion()
	return fmt.Sprintf("libseccomp %d.%d.%d", a, b, c)
}

// libraryAPI is the API level libseccomp found in the kernel: what it
// generates depends on it (seccomp_api_get(3)).
func libraryAPI() string {
	api, err := libseccomp.GetAPI()
	if err != nil {
		return "api unknown"
	}
	return fmt.Sprintf("api %d", api)
}
