// Package seccomp owns linux.seccomp: validation, compiling the profile to
// a BPF program in the runtime (with libseccomp, cgo), and loading that
// program in the container's init (pure Go, no library needed there).
package seccomp

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

var actions = map[specs.LinuxSeccompAction]bool{
	specs.ActKill: true, specs.ActKillProcess: true, specs.ActKillThread: true, specs.ActTrap: true,
	specs.ActErrno: true, specs.ActTrace: true, specs.ActAllow: true, specs.ActLog: true, specs.ActNotify: true,
}

var operators = map[specs.LinuxSeccompOperator]bool{
	specs.OpNotEqual: true, specs.OpLessThan: true, specs.OpLessEqual: true, specs.OpEqualTo: true,
	specs.OpGreaterEqual: true, specs.OpGreaterThan: true, specs.OpMaskedEqual: true,
}

// Filter flags and their seccomp(2) values.
var flagValues = map[specs.LinuxSeccompFlag]uint{
	specs.LinuxSeccompFlagLog:              2, // SECCOMP_FILTER_FLAG_LOG
	specs.LinuxSeccompFlagSpecAllow:        4, // SECCOMP_FILTER_FLAG_SPEC_ALLOW
	specs.LinuxSeccompFlagWaitKillableRecv: 32,
	"SECCOMP_FILTER_FLAG_TSYNC":            1,
}

// Validate checks names, actions and operators, naming the field.
func Validate(s *specs.Spec) error {
	if s.Linux == nil || s.Linux.Seccomp == nil {
		return nil
	}
	sc := s.Linux.Seccomp
	if !actions[sc.DefaultAction] {
		return fmt.Errorf("linux.seccomp.defaultAction: unknown action %q", sc.DefaultAction)
	}
	if sc.DefaultErrnoRet != nil && !takesErrno(sc.DefaultAction) {
		return fmt.Errorf("linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, defaultAction is %s", sc.DefaultAction)
	}
	// As runc: a default of notify covers write(2) too, see below.
	if sc.DefaultAction == specs.ActNotify {
		return fmt.Errorf("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be used as the default action")
	}
	for i, f := range sc.Flags {
		if _, ok := flagValues[f]; !ok {
			return fmt.Errorf("linux.seccomp.flags[%d]: unknown flag %q", i, f)
		}
	}
	notify := false
	for i, sys := range sc.Syscalls {
		field := fmt.Sprintf("linux.seccomp.syscalls[%d]", i)
		if !actions[sys.Action] {
			return fmt.Errorf("%s.action: unknown action %q", field, sys.Action)
		}
		if sys.ErrnoRet != nil && !takesErrno(sys.Action) {
			return fmt.Errorf("%s.errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, action is %s", field, sys.Action)
		}
		notify = notify || sys.Action == specs.ActNotify
		if len(sys.Names) == 0 {
			return fmt.Errorf("%s.names: at least one syscall name is required", field)
		}
		if err := notifyNotOnWrite(sys, field); err != nil {
			return err
		}
		for j, a := range sys.Args {
			if !operators[a.Op] {
				return fmt.Errorf("%s.args[%d].op: unknown operator %q", field, j, a.Op)
			}
			if a.Index > 5 {
				return fmt.Errorf("%s.args[%d].index: %d is beyond the 6 syscall arguments", field, j, a.Index)
			}
		}
	}
	if notify && sc.ListenerPath == "" {
		return fmt.Errorf("linux.seccomp.listenerPath: SCMP_ACT_NOTIFY needs a listener path")
	}
	return nil
}

// takesErrno reports whether the action has a return value to set: for
// any other action libseccomp would drop errnoRet without a word, and a
// profile that means "fail with EACCES" must not silently kill or allow.
func takesErrno(a specs.LinuxSeccompAction) bool {
	return a == specs.ActErrno || a == specs.ActTrace
}

// notifyNotOnWrite refuses a notified write(2), as runc does: after the
// filter is loaded the init still writes to the runtime (ready, or its
// error), so the hand-over would wait on an agent that may be waiting for
// the container.
func notifyNotOnWrite(sys specs.LinuxSyscall, field string) error {
	if sys.Action != specs.ActNotify {
		return nil
	}
	for j, name := range sys.Names {
		if name == "write" {
			return fmt.Errorf("%s.names[%d]: SCMP_ACT_NOTIFY cannot be used for the write syscall", field, j)
		}
	}
	return nil
}

// LoadFlags returns the seccomp(2) flags for the config's flag names.
func LoadFlags(sc *specs.LinuxSeccomp) uint {
	var f uint
	for _, name := range sc.Flags {
		f |= flagValues[name]
	}
	return f
}

// UsesNotify reports whether any action of the profile is SCMP_ACT_NOTIFY.
func UsesNotify(sc *specs.LinuxSeccomp) bool {
	if sc == nil {
		return false
	}
	if sc.DefaultAction == specs.ActNotify {
		return true
	}
	for _, s := range sc.Syscalls {
		if s.Action == specs.ActNotify {
			return true
		}
	}
	return false
}
