package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// An image whose /dev/null points at a host sysctl once made runc 1.1.5
// write the host's core_pattern. Device nodes must replace such entries.
func TestHostileDevNullSymlink(t *testing.T) {
	e := newEnv(t)
	before, _ := os.ReadFile("/proc/sys/kernel/core_pattern")
	b := e.bundle("c", func(s *specs.Spec) {
		// No tmpfs on /dev: devices are created in the image's own /dev.
		withoutMounts(s, "/dev")
		s.Root.Readonly = false
		s.Linux.MaskedPaths = append(s.Linux.MaskedPaths, "/etc/secret")
		s.Process.Args = []string{"sh", "-c", "echo pwned > /dev/null; stat -c %F /dev/null; cat /etc/secret; echo end"}
	})
	rootfs := filepath.Join(b, "rootfs")
	must(t, os.Symlink("/proc/sys/kernel/core_pattern", filepath.Join(rootfs, "dev/null")))
	must(t, os.WriteFile(filepath.Join(rootfs, "etc/secret"), []byte("secret"), 0o644))
	out := e.ok("run", "--bundle", b, "c")
	after, _ := os.ReadFile("/proc/sys/kernel/core_pattern")
	if string(before) != string(after) {
		os.WriteFile("/proc/sys/kernel/core_pattern", before, 0o644)
		t.Fatalf("host core_pattern changed from %q to %q", before, after)
	}
	if !strings.Contains(out, "character special file") || strings.Contains(out, "secret") {
		t.Fatalf("container output %q: want /dev/null a device and /etc/secret masked", out)
	}
}

// A mount destination whose path crosses an absolute symlink stays in the rootfs.
func TestMountTargetSymlinkStaysInRootfs(t *testing.T) {
	e := newEnv(t)
	hostDir := filepath.Join(e.dir, "host-target")
	must(t, os.MkdirAll(hostDir, 0o755))
	b := e.bundle("c", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/escape/sub", Type: "tmpfs", Source: "tmpfs"})
		s.Process.Args = []string{"sh", "-c", "touch /escape/sub/inside && echo ok"}
	})
	must(t, os.Symlink(hostDir, filepath.Join(b, "rootfs/escape")))
	e.ok("create", "--bundle", b, "c")
	if ents, _ := os.ReadDir(hostDir); len(ents) != 0 {
		t.Fatalf("mount target followed the image's symlink to the host: %v", ents)
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mi), hostDir) {
		t.Fatal("a mount landed on the host path")
	}
	// The target was created inside the rootfs, where the link resolves in root.
	if _, err := os.Stat(filepath.Join(b, "rootfs", hostDir, "sub")); err != nil {
		t.Fatalf("target not created inside the rootfs: %v", err)
	}
}

func TestReadonlyRootMasksAndReadonlyPaths(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sh", "-c", `
			touch /x 2>/dev/null && echo root-writable
			cat /proc/kcore 2>/dev/null | head -c 1 | wc -c
			echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo sys-writable
			ls /sys/firmware | wc -l
			readlink /dev/fd; readlink /dev/stdin; readlink /dev/ptmx
			echo done`}
	})
	out := e.ok("run", "--bundle", b, "c")
	for _, bad := range []string{"root-writable", "sys-writable"} {
		if strings.Contains(out, bad) {
			t.Errorf("%s: %q", bad, out)
		}
	}
	want := "0\n0\n/proc/self/fd\n/proc/self/fd/0\npts/ptmx\ndone"
	if !strings.Contains(out, want) {
		t.Errorf("output %q, want %q", out, want)
	}
}

func TestBindMountOptions(t *testing.T) {
	e := newEnv(t)
	src := filepath.Join(e.dir, "data")
	must(t, os.MkdirAll(src, 0o755))
	must(t, os.WriteFile(filepath.Join(src, "f"), []byte("from-host"), 0o644))
	b := e.bundle("c", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts,
			specs.Mount{Destination: "/data", Type: "bind", Source: src, Options: []string{"rbind", "ro", "nosuid"}},
			specs.Mount{Destination: "/scratch", Type: "tmpfs", Source: "tmpfs", Options: []string{"size=1m"}})
		s.Process.Args = []string{"sh", "-c", "cat /data/f; touch /data/g 2>/dev/null && echo data-writable; touch /scratch/s && echo scratch-ok; grep -c ' /data ' /proc/self/mountinfo"}
	})
	out := e.ok("run", "--bundle", b, "c")
	if !strings.Contains(out, "from-host") || strings.Contains(out, "data-writable") || !strings.Contains(out, "scratch-ok") {
		t.Fatalf("output %q", out)
	}
	if _, err := os.Stat(filepath.Join(src, "g")); err == nil {
		t.Fatal("read-only bind was written")
	}
}
