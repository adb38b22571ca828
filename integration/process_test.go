package integration

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestProcessSettings(t *testing.T) {
	e := newEnv(t)
	umask := uint32(0o027)
	adj := 500
	b := e.bundle("c", func(s *specs.Spec) {
		s.Hostname = "probe-host"
		s.Process.Env = append(s.Process.Env, "FOO=bar")
		s.Process.Cwd = "/tmp"
		s.Process.User = specs.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{5, 6}, Umask: &umask}
		s.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 321, Hard: 654}}
		s.Process.OOMScoreAdj = &adj
		s.Linux.Sysctl = map[string]string{"net.ipv4.ip_forward": "1", "kernel.shmmax": "12345678"}
		s.Process.Args = []string{"sh", "-c", "cat /proc/self/oom_score_adj /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax; ulimit -Sn; ulimit -Hn; /bin/probe"}
	})
	out := e.ok("run", "--bundle", b, "c")
	r := parseProbe(t, out)
	if r.Hostname != "probe-host" || r.Cwd != "/tmp" || r.UID != 1000 || r.GID != 1000 {
		t.Errorf("hostname %q cwd %q ids %d:%d", r.Hostname, r.Cwd, r.UID, r.GID)
	}
	// The probe is a Go program, and Go raises its own soft RLIMIT_NOFILE: the shell reports it.
	if !slices.Contains(r.Env, "FOO=bar") || r.Umask != 0o027 {
		t.Errorf("env %v umask %o", r.Env, r.Umask)
	}
	if !slices.Contains(r.Groups, 5) || !slices.Contains(r.Groups, 6) {
		t.Errorf("groups %v, want 5 and 6", r.Groups)
	}
	if !strings.HasPrefix(out, "500\n1\n12345678\n321\n654\n") {
		t.Errorf("oom_score_adj / sysctls: %q", out)
	}
	hostFwd, _ := os.ReadFile("/proc/sys/kernel/shmmax")
	if strings.TrimSpace(string(hostFwd)) == "12345678" {
		t.Error("the host's kernel.shmmax changed")
	}
}

// The container gets stdio and nothing else of the runtime's descriptors.
func TestNoRuntimeFdLeaks(t *testing.T) {
	e := newEnv(t)
	// "; true" keeps sh from exec'ing ls, so /proc/1/fd is the shell's.
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sh", "-c", "ls /proc/1/fd; true"} })
	if fds := strings.Fields(e.ok("run", "--bundle", b, "c")); strings.Join(fds, " ") != "0 1 2" {
		t.Errorf("container init holds descriptors %v, want only 0 1 2", fds)
	}
	out := e.ok("run", "--bundle", e.bundle("d", func(s *specs.Spec) {
		s.Process.Args = []string{"sh", "-c", "readlink /proc/1/exe; ls -l /proc/self/fd | wc -l"}
	}), "d")
	if strings.Contains(out, "minirun") {
		t.Errorf("the container can see a minirun binary: %q", out)
	}
}

func TestPreserveFds(t *testing.T) {
	e := newEnv(t)
	f, err := os.CreateTemp(e.dir, "preserved")
	must(t, err)
	f.WriteString("handed-over")
	f.Seek(0, 0)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sh", "-c", "cat <&3"} })
	cmd := fmt.Sprintf("exec 3<%s; exec %s --root %s run --preserve-fds 1 --bundle %s c", f.Name(), minirun, e.root, b)
	out, err := execShell(cmd)
	if err != nil || !strings.Contains(out, "handed-over") {
		t.Fatalf("preserved fd: %q %v", out, err)
	}
}

// CVE-2019-5736: a container process that grabs /proc/PID/exe of the
// runtime while it runs in the container must not be able to write the
// runtime's binary after it exits. Checked as host root (stronger than any
// container process): with and without a mount namespace of the
// container's (the sealed memfd fallback is unit-tested in pkg/container).
func TestRuntimeBinaryCannotBeRewritten(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"mountns", "nomountns"} {
		b := e.bundle(name, func(s *specs.Spec) {
			s.Process.Args = []string{"sleep", "100"}
			if name == "nomountns" {
				var ns []specs.LinuxNamespace
				for _, n := range s.Linux.Namespaces {
					if n.Type != specs.MountNamespace {
						ns = append(ns, n)
					}
				}
				s.Linux.Namespaces, s.Mounts, s.Linux.MaskedPaths, s.Linux.ReadonlyPaths = ns, nil, nil, nil
				s.Root.Readonly = false
			}
		})
		e.ok("create", "--bundle", b, name)
		exe, err := os.Open(fmt.Sprintf("/proc/%d/exe", e.pid(name)))
		must(t, err)
		e.ok("delete", "--force", name)
		f, err := os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", exe.Fd()), os.O_WRONLY, 0)
		if err == nil {
			_, err = f.Write([]byte("pwned"))
			f.Close()
		}
		exe.Close()
		if err == nil {
			t.Fatalf("%s: the runtime binary the init ran from was writable after the runtime exited", name)
		}
		t.Logf("%s: %v", name, err)
	}
	if b, _ := os.ReadFile(minirun); strings.Contains(string(b[:16]), "pwned") {
		t.Fatal("minirun binary overwritten")
	}
}
