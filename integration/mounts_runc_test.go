package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// runc gives a tmpfs without mode= the mode of the directory it covers
// (createOpenMountpoint); an explicit mode= still wins.
func TestTmpfsTakesTheTargetsMode(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts,
			specs.Mount{Destination: "/private", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid"}},
			specs.Mount{Destination: "/sticky", Type: "tmpfs", Source: "tmpfs"},
			specs.Mount{Destination: "/given", Type: "tmpfs", Source: "tmpfs", Options: []string{"mode=751"}},
			specs.Mount{Destination: "/new", Type: "tmpfs", Source: "tmpfs"})
		s.Process.Args = []string{"stat", "-c", "%a %n", "/private", "/sticky", "/given", "/new"}
	})
	for dir, mode := range map[string]uint32{"private": 0o700, "sticky": 0o1770, "given": 0o700} {
		p := filepath.Join(b, "rootfs", dir)
		must(t, os.Mkdir(p, 0o755))
		must(t, unix.Chmod(p, mode))
	}
	want := "700 /private\n1770 /sticky\n751 /given\n1777 /new\n"
	if out := e.ok("run", "--bundle", b, "c"); out != want {
		t.Errorf("modes:\n%s\nwant:\n%s", out, want)
	}
}

// runc 1.5's maskPaths: a path named twice is masked once, and every
// masked directory after the first is a bind of the first one's read-only
// tmpfs (one superblock, not one each).
func TestMaskedPathsOnceAndOneTmpfs(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Linux.MaskedPaths = []string{"/proc/acpi", "/proc/keys", "/sys/firmware", "/proc/keys", "/proc/acpi/"}
		s.Process.Args = []string{"sh", "-c", "cat /proc/self/mountinfo; echo; stat -c '%d' /proc/acpi /sys/firmware"}
	})
	out := e.ok("run", "--bundle", b, "c")
	info, devs, _ := strings.Cut(out, "\n\n")
	for _, p := range []string{"/proc/acpi", "/proc/keys", "/sys/firmware"} {
		n := 0
		for _, l := range strings.Split(info, "\n") {
			if f := strings.Fields(l); len(f) > 4 && f[4] == p {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s is mounted %d times, want once", p, n)
		}
	}
	if d := strings.Fields(devs); len(d) != 2 || d[0] != d[1] {
		t.Errorf("masked directories on devices %v, want one shared tmpfs", d)
	}
	for _, l := range strings.Split(info, "\n") {
		if f := strings.Fields(l); len(f) > 5 && f[4] == "/sys/firmware" && !strings.HasPrefix(f[5], "ro") {
			t.Errorf("the shared mask is writable: %s", l)
		}
	}
}

// A read-only bind of a source that is itself nosuid,nodev,noexec: in a
// user namespace those flags are locked, and runc re-applies them instead
// of failing with EPERM; the bind ends read-only with them kept. Outside
// one the remount sets only what was asked, as runc's first attempt does.
func TestReadonlyBindKeepsLockedFlags(t *testing.T) {
	e := newEnv(t)
	src := filepath.Join(e.dir, "lockedsrc")
	must(t, os.Mkdir(src, 0o755))
	must(t, unix.Mount("tmpfs", src, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=755"))
	t.Cleanup(func() { unix.Unmount(src, unix.MNT_DETACH) })
	for _, userns := range []bool{false, true} {
		name := map[bool]string{false: "host", true: "userns"}[userns]
		b := e.bundle(name, func(s *specs.Spec) {
			if userns {
				withUserNS(s)
			}
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/locked", Type: "bind", Source: src, Options: []string{"bind", "ro"}})
			s.Process.Args = []string{"grep", " /locked ", "/proc/self/mountinfo"}
		})
		// The mapped root may not write the host-owned rootfs.
		must(t, os.Mkdir(filepath.Join(b, "rootfs/locked"), 0o755))
		r := e.run("run", "--bundle", b, name)
		if r.code != 0 {
			t.Errorf("%s: exit %d: %s", name, r.code, r.stderr)
			continue
		}
		opts := strings.Split(strings.Fields(r.stdout)[5], ",")
		want := []string{"ro"}
		if userns {
			want = append(want, "nosuid", "nodev", "noexec")
		}
		for _, want := range want {
			if !contains(opts, want) {
				t.Errorf("%s: /locked has %v, want %s", name, opts, want)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
