package namespaces

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func spec(ns ...specs.LinuxNamespace) *specs.Spec {
	return &specs.Spec{Linux: &specs.Linux{Namespaces: ns}}
}

func TestValidate(t *testing.T) {
	mnt := specs.LinuxNamespace{Type: specs.MountNamespace}
	cases := []struct {
		name string
		s    *specs.Spec
		want string
	}{
		{"ok", spec(mnt, specs.LinuxNamespace{Type: "pid"}), ""},
		{"unknown", spec(mnt, specs.LinuxNamespace{Type: "bogus"}), `linux.namespaces[1].type: unknown namespace type "bogus"`},
		{"duplicate", spec(mnt, mnt), `linux.namespaces[1].type: duplicate namespace "mount"`},
		{"no mount", spec(specs.LinuxNamespace{Type: "pid"}), ""},
		{"joined mount", spec(specs.LinuxNamespace{Type: "mount", Path: "/proc/1/ns/mnt"}), ""},
		{"hostname without uts", func() *specs.Spec { s := spec(mnt); s.Hostname = "x"; return s }(), "needs a uts namespace"},
	}
	for _, c := range cases {
		err := Validate(c.s)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

func TestCloneFlagsSkipsJoined(t *testing.T) {
	s := spec(specs.LinuxNamespace{Type: "mount"}, specs.LinuxNamespace{Type: "network", Path: "/x"}, specs.LinuxNamespace{Type: "user"})
	if got, want := CloneFlags(s), uintptr(unix.CLONE_NEWNS|unix.CLONE_NEWUSER); got != want {
		t.Fatalf("flags %#x, want %#x", got, want)
	}
}

func TestOpenNSChecksType(t *testing.T) {
	if _, err := OpenNS("/proc/self/ns/net", Kinds[specs.UTSNamespace]); err == nil || !strings.Contains(err.Error(), "not a uts namespace") {
		t.Fatalf("type mismatch not caught: %v", err)
	}
	if _, err := OpenNS("/etc/hostname", Kinds[specs.UTSNamespace]); err == nil {
		t.Fatal("regular file accepted as a namespace")
	}
	f, err := OpenNS("/proc/self/ns/uts", Kinds[specs.UTSNamespace])
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestOpenJoinsRefusesHostMountNS(t *testing.T) {
	s := spec(specs.LinuxNamespace{Type: "mount", Path: "/proc/self/ns/mnt"})
	if _, err := OpenJoins(s); err == nil || !strings.Contains(err.Error(), "host's mount namespace") {
		t.Fatalf("joining the host mount namespace: %v", err)
	}
}
