// Package audit is minirun's syscall audit stream: it turns chosen
// sensitive syscalls of a container's seccomp profile into user
// notifications, and a supervisor logs each call as a JSON line and lets
// it continue. It observes; it does not enforce: pointer arguments are
// logged as addresses, since the process can change the memory behind
// them after the log line (TOCTOU, seccomp_unotify(2)).
package audit

import (
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// DefaultSyscalls are logged when --audit names none.
var DefaultSyscalls = []string{
	"mount", "umount2", "ptrace", "init_module", "finit_module", "kexec_load", "bpf",
	"unshare", "setns", "open_by_handle_at", "keyctl", "personality",
}

// Merge returns a copy of profile in which each of syscalls that the
// profile allows unconditionally is notified instead. A syscall the
// profile denies, or decides by its arguments, is left to the profile and
// returned in skipped: nothing the profile denies can become allowed, since
// the supervisor only ever answers "continue" for what was allowed. A nil
// profile is "allow everything", so every audited syscall is notified.
func Merge(profile *specs.LinuxSeccomp, syscalls []string) (merged *specs.LinuxSeccomp, skipped []string) {
	out := &specs.LinuxSeccomp{DefaultAction: specs.ActAllow}
	if profile != nil {
		cp := *profile
		cp.Syscalls = append([]specs.LinuxSyscall(nil), profile.Syscalls...)
		out = &cp
	}
	var notify []string
	for _, name := range syscalls {
		if name == "write" {
			// The runtime's notify hand-over writes; notifying write deadlocks it.
			skipped = append(skipped, name)
			continue
		}
		if allowedUnconditionally(out, name) {
			notify = append(notify, name)
		} else {
			skipped = append(skipped, name)
		}
	}
	if len(notify) == 0 {
		return out, skipped
	}
	// The profile's own unconditional allow rules for these names go, or
	// libseccomp would keep the first action it was given for the syscall.
	for i := range out.Syscalls {
		r := &out.Syscalls[i]
		if r.Action == specs.ActAllow && len(r.Args) == 0 {
			r.Names = slices.DeleteFunc(slices.Clone(r.Names), func(n string) bool { return slices.Contains(notify, n) })
		}
	}
	out.Syscalls = slices.DeleteFunc(out.Syscalls, func(r specs.LinuxSyscall) bool { return len(r.Names) == 0 })
	out.Syscalls = append(out.Syscalls, specs.LinuxSyscall{Names: notify, Action: specs.ActNotify})
	return out, skipped
}

// allowedUnconditionally reports whether the profile lets name through
// whatever its arguments: by an allow rule without conditions, or by an
// allowing default with no rule naming it at all.
func allowedUnconditionally(p *specs.LinuxSeccomp, name string) bool {
	named := false
	for _, r := range p.Syscalls {
		if !slices.Contains(r.Names, name) {
			continue
		}
		named = true
		if r.Action != specs.ActAllow || len(r.Args) > 0 {
			return false
		}
	}
	return named || p.DefaultAction == specs.ActAllow
}
