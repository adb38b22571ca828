package integration

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func errnoPtr(v uint) *uint { return &v }

func TestSeccompFilterApplies(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Root.Readonly = false
		s.Linux.Seccomp = &specs.LinuxSeccomp{
			DefaultAction: specs.ActAllow,
			Architectures: []specs.Arch{specs.ArchX86_64},
			Syscalls:      []specs.LinuxSyscall{{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActErrno, ErrnoRet: errnoPtr(13)}},
		}
		s.Process.Args = []string{"sh", "-c", "grep Seccomp: /proc/self/status; mkdir /tmp/x 2>&1; /bin/probe int80"}
	})
	r := e.run("run", "--bundle", b, "c")
	if !strings.Contains(r.stdout, "Seccomp:\t2") || !strings.Contains(r.stdout, "Permission denied") {
		t.Fatalf("output %q: want filter mode 2 and EACCES from mkdir", r.stdout)
	}
	// The profile names only x86_64: an i386 syscall through int 0x80 is killed.
	if strings.Contains(r.stdout, "int80 getpid") {
		t.Fatalf("a 32-bit syscall passed a filter that lists only x86_64: %q", r.stdout)
	}
	if r.code != 128+31 {
		t.Fatalf("exit %d, want %d (SIGSYS from the int 0x80 call)", r.code, 128+31)
	}
}

func TestInt80WorksWithoutFilter(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"/bin/probe", "int80"} })
	if out := e.ok("run", "--bundle", b, "c"); !strings.Contains(out, "int80 getpid: 1") {
		t.Fatalf("without a filter the i386 getpid should return 1: %q", out)
	}
}

func TestSeccompWithNoNewPrivsAndNonRoot(t *testing.T) {
	e := newEnv(t)
	for _, nnp := range []bool{true, false} {
		id := map[bool]string{true: "nnp", false: "nonnp"}[nnp]
		b := e.bundle(id, func(s *specs.Spec) {
			s.Process.NoNewPrivileges = nnp
			s.Process.User = specs.User{UID: 1000, GID: 1000}
			s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow,
				Syscalls: []specs.LinuxSyscall{{Names: []string{"getcwd"}, Action: specs.ActErrno, ErrnoRet: errnoPtr(1)}}}
		})
		r := parseProbe(t, e.ok("run", "--bundle", b, id))
		wantNNP := map[bool]string{true: "1", false: "0"}[nnp]
		if r.Status["Seccomp"] != "2" || r.Status["NoNewPrivs"] != wantNNP || r.UID != 1000 {
			t.Errorf("%s: Seccomp %s NoNewPrivs %s uid %d", id, r.Status["Seccomp"], r.Status["NoNewPrivs"], r.UID)
		}
	}
}
