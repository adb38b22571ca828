package integration

import (
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
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

// The notify fd reaches the listener with the process state; once the
// listener closes it, notified syscalls fail (ENOSYS) instead of hanging.
func TestSeccompNotifyListener(t *testing.T) {
	e := newEnv(t)
	sock := filepath.Join(e.dir, "listener.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	must(t, err)
	defer l.Close()
	got := make(chan specs.ContainerProcessState, 1)
	go func() {
		conn, err := l.AcceptUnix()
		if err != nil {
			return
		}
		defer conn.Close()
		buf, oob := make([]byte, 65536), make([]byte, unix.CmsgSpace(4))
		n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
		if err != nil {
			return
		}
		var st specs.ContainerProcessState
		json.Unmarshal(buf[:n], &st)
		msgs, _ := unix.ParseSocketControlMessage(oob[:oobn])
		if len(msgs) == 1 {
			if fds, _ := unix.ParseUnixRights(&msgs[0]); len(fds) == 1 {
				unix.Close(fds[0])
				got <- st
			}
		}
		close(got)
	}()
	b := e.bundle("c", func(s *specs.Spec) {
		s.Root.Readonly = false
		s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, ListenerPath: sock, ListenerMetadata: "meta",
			Syscalls: []specs.LinuxSyscall{{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActNotify}}}
		s.Process.Args = []string{"sh", "-c", "sleep 0.2; mkdir /tmp/x || echo mkdir-failed"}
	})
	out := e.ok("run", "--bundle", b, "c")
	st, ok := <-got
	if !ok || len(st.Fds) != 1 || st.Fds[0] != "seccompFd" || st.Metadata != "meta" || st.Pid == 0 || st.State.ID != "c" {
		t.Fatalf("listener got %+v (ok=%v)", st, ok)
	}
	if !strings.Contains(out, "mkdir-failed") {
		t.Fatalf("output %q", out)
	}
}

// The filter flags reach seccomp(2): a container with each loads its filter.
func TestSeccompFlags(t *testing.T) {
	e := newEnv(t)
	for _, flags := range [][]specs.LinuxSeccompFlag{{"SECCOMP_FILTER_FLAG_LOG"}, {"SECCOMP_FILTER_FLAG_SPEC_ALLOW"}, {"SECCOMP_FILTER_FLAG_TSYNC"}} {
		id := strings.ToLower(strings.TrimPrefix(string(flags[0]), "SECCOMP_FILTER_FLAG_"))
		b := e.bundle(id, func(s *specs.Spec) {
			s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Flags: flags,
				Syscalls: []specs.LinuxSyscall{{Names: []string{"getcwd"}, Action: specs.ActErrno}}}
		})
		if r := parseProbe(t, e.ok("run", "--bundle", b, id)); r.Status["Seccomp"] != "2" {
			t.Errorf("%s: Seccomp %s", flags[0], r.Status["Seccomp"])
		}
	}
	b := e.bundle("bogus", func(s *specs.Spec) {
		s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Flags: []specs.LinuxSeccompFlag{"SECCOMP_FILTER_FLAG_BOGUS"}}
	})
	if r := e.run("create", "--bundle", b, "bogus"); r.code != 1 || !strings.Contains(r.stderr, `linux.seccomp.flags[0]: unknown flag "SECCOMP_FILTER_FLAG_BOGUS"`) {
		t.Errorf("bogus flag: %d %q", r.code, r.stderr)
	}
}

// A rule with two conditions on one argument (Docker's personality rule
// shape) is split into one rule per condition, as runc does: either value
// matches. Before, create refused it ("two checks on same syscall argument").
func TestSeccompTwoConditionsOnOneArgument(t *testing.T) {
	e := newEnv(t)
	either := func(idx uint) []specs.LinuxSeccompArg {
		return []specs.LinuxSeccompArg{{Index: idx, Value: 0o700, Op: specs.OpEqualTo}, {Index: idx, Value: 0o750, Op: specs.OpEqualTo}}
	}
	b := e.bundle("c", func(s *specs.Spec) {
		s.Root.Readonly = false
		s.Linux.Seccomp = &specs.LinuxSeccomp{
			DefaultAction: specs.ActAllow,
			Architectures: []specs.Arch{specs.ArchX86_64},
			Syscalls: []specs.LinuxSyscall{
				{Names: []string{"chmod"}, Action: specs.ActErrno, ErrnoRet: errnoPtr(13), Args: either(1)},
				{Names: []string{"fchmodat"}, Action: specs.ActErrno, ErrnoRet: errnoPtr(13), Args: either(2)},
			},
		}
		s.Process.Args = []string{"sh", "-c", "touch /tmp/f; for m in 700 750 755; do chmod $m /tmp/f 2>/dev/null && echo $m:ok || echo $m:denied; done"}
	})
	out := e.ok("run", "--bundle", b, "c")
	for _, want := range []string{"700:denied", "750:denied", "755:ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q: want %s", out, want)
		}
	}
}
