package integration

import (
	"fmt"
	"golang.org/x/sys/unix"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Hostile configs and images that once reached the host. Each test checks
// the host afterwards: canaries unchanged, nothing left behind.

// refused runs create and expects exit 1, an error naming want, and no
// state dir or cgroup left.
func (e *env) refused(name, want string) {
	e.t.Helper()
	b := filepath.Join(e.dir, name)
	r := e.run("create", "--bundle", b, name)
	if r.code != 1 || !strings.Contains(r.stderr, want) {
		e.t.Fatalf("%s: exit %d, stderr %q; want exit 1 naming %q", name, r.code, r.stderr, want)
	}
	e.checkNothingLeft(name, name)
}

func canary(t *testing.T, e *env) (string, func()) {
	t.Helper()
	path := filepath.Join(e.dir, "canary")
	must(t, os.WriteFile(path, []byte("unchanged"), 0o644))
	return path, func() {
		t.Helper()
		if b, _ := os.ReadFile(path); string(b) != "unchanged" {
			t.Fatalf("host canary %s changed to %q", path, b)
		}
	}
}

// A linux.timeOffsets key once carried lines into the bootstrap's text
// protocol: "clone 0" ran the container as host root in the host's
// namespaces, "cgroup PATH" made the bootstrap write a host file.
func TestConfigStringsCannotRewriteTheBootstrap(t *testing.T) {
	e := newEnv(t)
	path, check := canary(t, e)
	for name, key := range map[string]string{
		"clone":  "monotonic 0 0\nclone 0\nuidmap 0 0 4294967295\ngidmap 0 0 4294967295\nx",
		"cgroup": "monotonic 0 0\ncgroup " + path + "\nx",
		"nul":    "monotonic\x00boottime",
	} {
		e.bundle(name, func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.TimeNamespace})
			s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{key: {Secs: 1}}
			s.Process.Args = []string{"id"}
		})
		e.refused(name, "linux.timeOffsets")
	}
	check()
	// The clocks that exist still work.
	b := e.bundle("ok", func(s *specs.Spec) {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.TimeNamespace})
		s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 86400 * 365}, "boottime": {Secs: 86400 * 365}}
		s.Process.Args = []string{"cat", "/proc/uptime"}
	})
	var up float64
	fmt.Sscan(e.ok("run", "--bundle", b, "ok"), &up)
	if up < 86400*365 {
		t.Fatalf("uptime %v inside a time namespace offset by a year", up)
	}
}

// withoutMounts drops the config's mounts at the given destinations.
func withoutMounts(s *specs.Spec, dests ...string) {
	var keep []specs.Mount
	for _, m := range s.Mounts {
		if !slices.Contains(dests, m.Destination) {
			keep = append(keep, m)
		}
	}
	s.Mounts = keep
}

func withoutMountNS(s *specs.Spec) {
	var ns []specs.LinuxNamespace
	for _, n := range s.Linux.Namespaces {
		if n.Type != specs.MountNamespace {
			ns = append(ns, n)
		}
	}
	s.Linux.Namespaces = ns
}

// chrootOnly is withoutMountNS minus what needs a mount namespace (masks,
// read-only paths, a read-only root), which create refuses without one.
func chrootOnly(s *specs.Spec) {
	withoutMountNS(s)
	s.Linux.MaskedPaths, s.Linux.ReadonlyPaths = nil, nil
	s.Root.Readonly = false
}

// Without a mount namespace the container is only chrooted: masks,
// read-only paths, a read-only root and devices cannot be applied, so they
// are refused rather than silently dropped. (Mounts are made, in the
// host's table, and removed at delete: TestNoMountNamespaceMountsAreRemoved.)
func TestNoMountNamespaceRefusesWhatItCannotApply(t *testing.T) {
	e := newEnv(t)
	bare := func(s *specs.Spec) {
		chrootOnly(s)
		s.Mounts = nil
		s.Process.Args = []string{"echo", "chrooted"}
	}
	cases := map[string]struct {
		mutate func(*specs.Spec)
		want   string
	}{
		"masked":   {func(s *specs.Spec) { s.Linux.MaskedPaths = []string{"/proc/kcore"} }, "unable to restrict sys entries without a private MNT namespace"},
		"readonly": {func(s *specs.Spec) { s.Linux.ReadonlyPaths = []string{"/proc/sys"} }, "unable to restrict sys entries"},
		"rootro":   {func(s *specs.Spec) { s.Root.Readonly = true }, "root.readonly"},
		"devices": {func(s *specs.Spec) {
			s.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/fuse", Type: "c", Major: 10, Minor: 229}}
		}, "linux.devices"},
	}
	for name, c := range cases {
		e.bundle(name, func(s *specs.Spec) { bare(s); c.mutate(s) })
		e.refused(name, c.want)
	}
	b := e.bundle("bare", bare)
	if out := e.ok("run", "--bundle", b, "bare"); !strings.Contains(out, "chrooted") {
		t.Fatalf("a bare chroot container printed %q", out)
	}
}

// runc (and runtime-tools' linux_ns_itype) make the config's mounts even
// without a mount namespace: they land in the host's mount table, under
// the rootfs. minirun makes them too, never through the image's symlinks,
// and unlike runc removes them at delete, so nothing is left on the host.
func TestNoMountNamespaceMountsAreRemoved(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		chrootOnly(s)
		s.Mounts = []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc"},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "mode=755"}},
			{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "nodev"}},
			{Destination: "/scratch", Type: "tmpfs", Source: "tmpfs"},
		}
		s.Process.Args = []string{"sh", "-c", "grep -c ' /scratch ' /proc/self/mountinfo; ls /dev/null; sleep 100"}
	})
	rootfs := filepath.Join(b, "rootfs")
	e.ok("run", "-d", "--bundle", b, "c")
	waitFor(t, "the mounts on the host", func() bool {
		mi, _ := os.ReadFile("/proc/self/mountinfo")
		return strings.Contains(string(mi), " "+rootfs+"/scratch ") && strings.Contains(string(mi), " "+rootfs+"/proc ")
	})
	e.ok("delete", "--force", "c")
	if mi, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(mi), rootfs) {
		t.Fatalf("mounts under %s left on the host after delete:\n%s", rootfs, grepLines(string(mi), rootfs))
	}
	// An image symlink where a mount goes is resolved inside the rootfs: the
	// mount never lands on the host's directory it names.
	evil := e.bundle("evil", func(s *specs.Spec) {
		chrootOnly(s)
		s.Mounts = []specs.Mount{{Destination: "/escape/x", Type: "tmpfs", Source: "tmpfs"}}
		s.Process.Args = []string{"true"}
	})
	outside := filepath.Join(e.dir, "outside")
	must(t, os.MkdirAll(outside, 0o755))
	must(t, os.Symlink(outside, filepath.Join(evil, "rootfs", "escape")))
	e.run("run", "--bundle", evil, "evil")
	if _, err := os.Stat(filepath.Join(outside, "x")); err == nil {
		t.Errorf("the mount target was created outside the rootfs")
	}
	if mi, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(mi), outside) || strings.Contains(string(mi), filepath.Join(evil, "rootfs")) {
		t.Fatalf("mounts left on the host:\n%s", grepLines(string(mi), e.dir))
	}
}

// A container without a mount namespace shares the host's mount table and
// may rename and plant links in its rootfs before delete: delete removes
// exactly the mounts the init made (found by mount id, wherever they were
// moved), never the caller's own mounts under or of the rootfs; a read-only
// tmpfs is read-only there too.
func TestNoMountNamespaceDeleteRemovesOnlyItsOwnMounts(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		chrootOnly(s)
		s.Mounts = []specs.Mount{
			{Destination: "/sub/scratch", Type: "tmpfs", Source: "tmpfs"},
			{Destination: "/ro", Type: "tmpfs", Source: "tmpfs", Options: []string{"ro"}},
		}
		// Hide the init's mount behind a rename, and plant a link where
		// it was that leads to the rootfs's own mount.
		s.Process.Args = []string{"sh", "-c", "touch /ro/x 2>/dev/null && echo ro-writable; mv /sub /sub.x; mkdir /sub; ln -s / /sub/scratch; echo planted; sleep 100"}
	})
	rootfs := filepath.Join(b, "rootfs")
	// The caller's own mounts: the rootfs bound onto itself (as an overlay
	// would be), and a bind below it that the config does not name.
	must(t, unix.Mount(rootfs, rootfs, "", unix.MS_BIND, ""))
	t.Cleanup(func() { unix.Unmount(rootfs, unix.MNT_DETACH) })
	callers := filepath.Join(rootfs, "tmp")
	must(t, unix.Mount(e.dir, callers, "", unix.MS_BIND, ""))
	t.Cleanup(func() { unix.Unmount(callers, unix.MNT_DETACH) })
	out := filepath.Join(e.dir, "out")
	f, err := os.Create(out)
	must(t, err)
	cmd := exec.Command(minirun, "--root", e.root, "run", "-d", "--bundle", b, "c")
	cmd.Stdout, cmd.Stderr = f, f
	must(t, cmd.Run())
	f.Close()
	waitFor(t, "the container to plant its link", func() bool { o, _ := os.ReadFile(out); return strings.Contains(string(o), "planted") })
	if o, _ := os.ReadFile(out); strings.Contains(string(o), "ro-writable") {
		t.Errorf("a read-only tmpfs was writable in a container without a mount namespace")
	}
	e.ok("delete", "--force", "c")
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	if !strings.Contains(string(mi), " "+rootfs+" ") || !strings.Contains(string(mi), " "+callers+" ") {
		t.Fatalf("delete removed the caller's own mounts:\n%s", grepLines(string(mi), rootfs))
	}
	for _, l := range strings.Split(grepLines(string(mi), rootfs), "\n") {
		if strings.Contains(l, "/sub") || strings.Contains(l, " /ro ") || strings.Contains(l, rootfs+"/ro ") {
			t.Errorf("a mount of the container's left after delete: %s", l)
		}
	}
}

func grepLines(text, sub string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// An image whose /proc or /sys is a symlink would get the kernel's files
// mounted where it points, and the masks applied there
// (CVE-2023-27561/28642). A mask target reached through a symlink would
// cover another file and leave the named one open.
func TestKernelFilesystemsNeverFollowImageSymlinks(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ name, link, target string }{
		{"proc", "proc", "tmp/fakeproc"},
		{"procabs", "proc", "/tmp/fakeproc"},
		{"sys", "sys", "tmp/fakesys"},
		{"dangling", "proc", "nonexistent"},
	} {
		b := e.bundle(c.name, func(s *specs.Spec) { s.Process.Args = []string{"true"} })
		rootfs := filepath.Join(b, "rootfs")
		must(t, os.MkdirAll(filepath.Join(rootfs, "tmp/fakeproc"), 0o755))
		must(t, os.MkdirAll(filepath.Join(rootfs, "tmp/fakesys"), 0o755))
		must(t, os.Remove(filepath.Join(rootfs, c.link)))
		must(t, os.Symlink(c.target, filepath.Join(rootfs, c.link)))
		e.refused(c.name, "must be mounted on ordinary directory")
	}
	// No proc mount, and an image link where a mask goes.
	b := e.bundle("mask", func(s *specs.Spec) {
		withoutMounts(s, "/proc")
		s.Linux.MaskedPaths = []string{"/proc/kcore"}
		s.Process.Args = []string{"true"}
	})
	must(t, os.MkdirAll(filepath.Join(b, "rootfs/proc"), 0o755))
	must(t, os.Symlink("/etc/passwd", filepath.Join(b, "rootfs/proc/kcore")))
	e.refused("mask", "reached through a symlink")
}

func TestMountsInsideProcAreRefused(t *testing.T) {
	e := newEnv(t)
	e.bundle("inside", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/proc/sys/kernel", Type: "tmpfs", Source: "tmpfs"})
	})
	e.refused("inside", "cannot be mounted because it is inside /proc")
	e.bundle("over", func(s *specs.Spec) {
		for i := range s.Mounts {
			if s.Mounts[i].Destination == "/proc" {
				s.Mounts[i] = specs.Mount{Destination: "/proc", Type: "tmpfs", Source: "tmpfs"}
			}
		}
	})
	e.refused("over", "not of type proc")
	// Through an image symlink into the container's /proc.
	b := e.bundle("link", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/etc/k/kernel", Type: "tmpfs", Source: "tmpfs"})
	})
	must(t, os.Symlink("/proc/sys", filepath.Join(b, "rootfs/etc/k")))
	e.refused("link", "inside /proc")
	// The lxcfs files stay allowed.
	b = e.bundle("lxcfs", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/proc/uptime", Type: "bind", Source: "/proc/uptime", Options: []string{"bind", "ro"}})
		s.Process.Args = []string{"true"}
	})
	_ = b
	e.ok("run", "--bundle", b, "lxcfs")
}

// With --no-pivot the host's procfs and sysfs stay in the container's
// mount namespace, outside the chroot; while they are fully visible the
// kernel lets a user-namespaced CAP_SYS_ADMIN mount a fresh, unmasked
// procfs. minirun detaches them first, and refuses where the kernel has
// locked them (a user namespace).
func TestNoPivotCannotMountAFreshProc(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		withUserNS(s)
		all := []string{"CAP_SYS_ADMIN", "CAP_SYS_CHROOT", "CAP_DAC_OVERRIDE"}
		c := s.Process.Capabilities
		c.Bounding, c.Effective, c.Permitted = all, all, all
		s.Root.Readonly = false
		// No /proc or /sys of its own: with pivot_root nothing visible is left.
		withoutMounts(s, "/proc", "/sys", "/sys/fs/cgroup")
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs"})
		s.Process.Args = []string{"sh", "-c", "mkdir -p /tmp/p /tmp/s; mount -t proc proc /tmp/p && echo PROC-MOUNTED; mount -t sysfs sys /tmp/s && echo SYS-MOUNTED; echo done"}
	})
	if out := e.ok("run", "--bundle", b, "pivot"); strings.Contains(out, "MOUNTED") || !strings.Contains(out, "done") {
		t.Fatalf("pivot_root container: %q (want no fresh proc or sysfs mount)", out)
	}
	r := e.run("run", "--no-pivot", "--bundle", b, "c")
	if strings.Contains(r.stdout, "MOUNTED") {
		t.Fatalf("--no-pivot container mounted a fresh kernel filesystem: %q", r.stdout)
	}
	if r.code == 0 && !strings.Contains(r.stdout, "done") || r.code != 0 && !strings.Contains(r.stderr, "--no-pivot") {
		t.Fatalf("--no-pivot: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// The detach stayed in the container's namespace.
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	if !strings.Contains(string(mi), " /proc ") || !strings.Contains(string(mi), " /sys ") {
		t.Fatal("the host lost its /proc or /sys mount")
	}
}

// After pivot_root, /proc is the container's; the read-only remount of
// "/" once went through /proc/self/fd there, so an image whose /proc/self
// is a link made some other directory read-only and left "/" writable.
func TestReadonlyRootIgnoresImageProc(t *testing.T) {
	e := newEnv(t)
	// In a user namespace the plain read-only remount of a nosuid,nodev
	// source fails (locked flags), which is where the old fallback ran.
	mnt := filepath.Join(e.dir, "c")
	must(t, os.MkdirAll(mnt, 0o755))
	must(t, syscall.Mount("tmpfs", mnt, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=755"))
	t.Cleanup(func() { syscall.Unmount(mnt, syscall.MNT_DETACH) })
	b := e.bundle("c", func(s *specs.Spec) {
		withUserNS(s)
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs"})
		withoutMounts(s, "/proc")
		s.Linux.MaskedPaths, s.Linux.ReadonlyPaths = nil, nil
		s.Root.Readonly = true
		s.Process.Args = []string{"sh", "-c", "touch /rootfile && echo ROOT-WRITABLE; echo done"}
	})
	rootfs := filepath.Join(b, "rootfs")
	must(t, os.MkdirAll(filepath.Join(rootfs, "fakeself/fd"), 0o755))
	for fd := 0; fd < 64; fd++ {
		os.Symlink("/tmp", filepath.Join(rootfs, "fakeself/fd", fmt.Sprint(fd)))
	}
	must(t, os.Symlink("/fakeself", filepath.Join(rootfs, "proc/self")))
	// Writable to the container's root, so only a read-only mount stops it.
	must(t, os.Chown(rootfs, 100000, 100000))
	out := e.ok("run", "--bundle", b, "c")
	t.Logf("output %q", out)
	if strings.Contains(out, "ROOT-WRITABLE") || !strings.Contains(out, "done") {
		t.Fatalf("root.readonly container: %q", out)
	}
}

// A net.* sysctl in a joined network namespace that is the runtime's own
// would change the host.
func TestNetSysctlInHostNetworkNamespaceRefused(t *testing.T) {
	e := newEnv(t)
	const knob = "/proc/sys/net/ipv4/ip_unprivileged_port_start"
	before, _ := os.ReadFile(knob)
	defer func() {
		if after, _ := os.ReadFile(knob); string(after) != string(before) {
			os.WriteFile(knob, before, 0o644)
			t.Errorf("host sysctl changed from %q to %q", before, after)
		}
	}()
	e.bundle("c", func(s *specs.Spec) {
		for i := range s.Linux.Namespaces {
			if s.Linux.Namespaces[i].Type == specs.NetworkNamespace {
				s.Linux.Namespaces[i].Path = fmt.Sprintf("/proc/%d/ns/net", os.Getpid())
			}
		}
		s.Linux.Sysctl = map[string]string{"net.ipv4.ip_unprivileged_port_start": "77"}
		s.Process.Args = []string{"true"}
	})
	e.refused("c", "not allowed in host network namespace")
}
