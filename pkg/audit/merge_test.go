package audit

import (
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func notified(p *specs.LinuxSeccomp) []string {
	var out []string
	for _, r := range p.Syscalls {
		if r.Action == specs.ActNotify {
			out = append(out, r.Names...)
		}
	}
	slices.Sort(out)
	return out
}

func TestMergeNeverAllowsWhatTheProfileDenies(t *testing.T) {
	eperm := uint(1)
	profile := &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{
		{Names: []string{"mount", "keyctl"}, Action: specs.ActErrno, ErrnoRet: &eperm},
		{Names: []string{"personality"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{{Index: 0, Value: 8, Op: specs.OpEqualTo}}},
	}}
	merged, skipped := Merge(profile, []string{"mount", "keyctl", "personality", "unshare", "ptrace", "write"})
	if got := notified(merged); !slices.Equal(got, []string{"ptrace", "unshare"}) {
		t.Fatalf("notified %v, want ptrace and unshare only", got)
	}
	slices.Sort(skipped)
	if !slices.Equal(skipped, []string{"keyctl", "mount", "personality", "write"}) {
		t.Fatalf("skipped %v", skipped)
	}
	if len(profile.Syscalls) != 2 {
		t.Fatal("Merge changed the caller's profile")
	}
}

func TestMergeAllowListProfile(t *testing.T) {
	profile := &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Syscalls: []specs.LinuxSyscall{
		{Names: []string{"read", "unshare", "setns"}, Action: specs.ActAllow},
	}}
	merged, skipped := Merge(profile, []string{"unshare", "bpf"})
	if got := notified(merged); !slices.Equal(got, []string{"unshare"}) || !slices.Equal(skipped, []string{"bpf"}) {
		t.Fatalf("notified %v skipped %v", got, skipped)
	}
	// The allow rule lost unshare (libseccomp keeps one action per syscall).
	if !slices.Equal(merged.Syscalls[0].Names, []string{"read", "setns"}) {
		t.Fatalf("allow rule now %v", merged.Syscalls[0].Names)
	}
}

func TestMergeWithoutProfile(t *testing.T) {
	merged, skipped := Merge(nil, DefaultSyscalls)
	if merged.DefaultAction != specs.ActAllow || len(skipped) != 0 || len(notified(merged)) != len(DefaultSyscalls) {
		t.Fatalf("merged %+v skipped %v", merged, skipped)
	}
}
