package explain

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeTree is a proc root with pid 1 and pid 42, and a v1 cgroup root.
func fakeTree(t *testing.T, capEff, uidMap, pidsMax string, hostNet bool) Roots {
	dir := t.TempDir()
	proc, cg := filepath.Join(dir, "proc"), filepath.Join(dir, "cgroup")
	for _, ns := range []string{"mnt", "pid", "net", "ipc", "uts", "user", "cgroup", "time"} {
		os.MkdirAll(filepath.Join(proc, "1/ns"), 0o755)
		os.MkdirAll(filepath.Join(proc, "42/ns"), 0o755)
		os.Symlink(ns+":[1]", filepath.Join(proc, "1/ns", ns))
		mine := ns + ":[42]"
		if ns == "net" && hostNet || ns == "time" {
			mine = ns + ":[1]"
		}
		os.Symlink(mine, filepath.Join(proc, "42/ns", ns))
	}
	write(t, filepath.Join(proc, "42/status"), "Name:\tsh\nCapBnd:\t"+capEff+"\nCapEff:\t"+capEff+"\nCapPrm:\t"+capEff+
		"\nCapInh:\t0000000000000000\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n")
	write(t, filepath.Join(proc, "42/uid_map"), uidMap)
	write(t, filepath.Join(proc, "42/gid_map"), uidMap)
	write(t, filepath.Join(proc, "42/cgroup"), "12:pids:/c1\n4:memory:/c1\n0::/c1\n")
	write(t, filepath.Join(proc, "42/mountinfo"), "1 0 8:1 / / rw - ext4 /dev/sda rw\n"+
		"2 1 0:5 /null /proc/kcore rw,nosuid - devtmpfs udev rw\n3 1 0:4 /sys /proc/sys ro,nosuid - proc proc rw\n")
	write(t, filepath.Join(proc, "42/limits"), "Limit                     Soft Limit           Hard Limit           Units\n"+
		"Max open files            1024                 4096                 files\n")
	write(t, filepath.Join(proc, "42/attr/current"), "unconfined\n")
	write(t, filepath.Join(cg, "pids/c1/pids.max"), pidsMax+"\n")
	write(t, filepath.Join(cg, "pids/c1/pids.current"), "3\n")
	write(t, filepath.Join(cg, "memory/c1/memory.limit_in_bytes"), "67108864\n")
	return Roots{Proc: proc, Cgroup: cg}
}

func cfg() *specs.Spec {
	return &specs.Spec{Linux: &specs.Linux{
		Namespaces:    []specs.LinuxNamespace{{Type: "mount"}, {Type: "pid"}, {Type: "network", Path: "/run/netns/x"}, {Type: "user"}},
		MaskedPaths:   []string{"/proc/kcore", "/proc/keys"},
		ReadonlyPaths: []string{"/proc/sys"},
		Seccomp: &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{
			{Names: []string{"mount", "keyctl"}, Action: specs.ActErrno},
			{Names: []string{"personality"}, Action: specs.ActErrno, Args: []specs.LinuxSeccompArg{{Index: 0}}},
		}},
	}}
}

func TestExplainReadsKernelState(t *testing.T) {
	r := fakeTree(t, "00000000a80425fb", "0 100000 65536\n", "100", false)
	rep, err := Explain(r, "c", 42, cfg())
	if err != nil {
		t.Fatal(err)
	}
	if rep.RootOnHost != "100000" || len(rep.Capabilities["effective"]) != 14 || rep.Capabilities["ambient"] != nil {
		t.Fatalf("ids/caps: root %s, effective %v", rep.RootOnHost, rep.Capabilities["effective"])
	}
	if !rep.NoNewPrivs || rep.Seccomp.Mode != "filter" || rep.Seccomp.Filters != 1 || strings.Join(rep.Seccomp.Denied, ",") != "keyctl,mount" {
		t.Fatalf("seccomp/nnp: %+v %v", rep.Seccomp, rep.NoNewPrivs)
	}
	if rep.Cgroup["pids.max"] != "100" || rep.Cgroup["pids.current"] != "3" || rep.Cgroup["memory.limit"] != "67108864" || rep.Cgroup["path"] != "/c1" {
		t.Fatalf("cgroup: %v", rep.Cgroup)
	}
	if strings.Join(rep.Masked, ",") != "/proc/kcore (devtmpfs)" || strings.Join(rep.Readonly, ",") != "/proc/sys" {
		t.Fatalf("masks: %v / %v", rep.Masked, rep.Readonly)
	}
	if rep.Rlimits["nofile"] != "1024 soft, 4096 hard" || rep.LSM != "unconfined" {
		t.Fatalf("rlimits %v, lsm %q", rep.Rlimits, rep.LSM)
	}
	for _, ns := range rep.Namespaces {
		if (ns.Type == "time") != ns.Host {
			t.Errorf("namespace %s: host %v", ns.Type, ns.Host)
		}
		if ns.Type == "network" && ns.Config != "joined /run/netns/x" || ns.Type == "uts" && !strings.HasPrefix(ns.Config, "not listed") {
			t.Errorf("namespace %s: config %q", ns.Type, ns.Config)
		}
	}
	if len(rep.Weak) != 0 {
		t.Fatalf("weak points on a hardened process: %v", rep.Weak)
	}
}

func TestExplainFlagsWeakPoints(t *testing.T) {
	r := fakeTree(t, "000001ffffffffff", "0 0 4294967295\n", "max", true)
	rep, err := Explain(r, "c", 42, nil)
	if err != nil {
		t.Fatal(err)
	}
	weak := strings.Join(rep.Weak, "\n")
	for _, want := range []string{"runs as host root", "shares the host's network namespace", "CAP_SYS_ADMIN in the effective set", "no pids limit"} {
		if !strings.Contains(weak, want) {
			t.Errorf("weak points %q lack %q", weak, want)
		}
	}
	if strings.Contains(weak, "time namespace") {
		t.Error("a shared time namespace flagged as weak")
	}
	var sb strings.Builder
	rep.WriteText(&sb)
	if !strings.Contains(sb.String(), "HOST's") || !strings.Contains(sb.String(), "weak points:") {
		t.Fatalf("text output:\n%s", sb.String())
	}
}

func TestExplainMissingProcess(t *testing.T) {
	if _, err := Explain(Roots{Proc: t.TempDir()}, "c", 42, nil); err == nil {
		t.Fatal("no error for a process that does not exist")
	}
}

// An allow list (Docker's shape) denies by default: explain names the
// sensitive calls it leaves out, not only the explicit deny rules.
func TestSensitiveNotAllowedUnderAllowList(t *testing.T) {
	sc := &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Syscalls: []specs.LinuxSyscall{
		{Names: []string{"read", "write", "ptrace"}, Action: specs.ActAllow},
		{Names: []string{"personality"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{{Index: 0, Value: 0, Op: specs.OpEqualTo}}},
	}}
	got := strings.Join(sensitiveNotAllowed(sc), " ")
	if !strings.Contains(got, "keyctl") || !strings.Contains(got, "mount") || strings.Contains(got, "ptrace") || strings.Contains(got, "personality") {
		t.Fatalf("denied by default: %s", got)
	}
	if d := sensitiveNotAllowed(&specs.LinuxSeccomp{DefaultAction: specs.ActAllow}); d != nil {
		t.Fatalf("an allow-by-default profile denies nothing by default, got %v", d)
	}
}
