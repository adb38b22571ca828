package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Issue 11: config fields whose unset or edge values must behave as runc's.

// An unset process.umask is 0022, as runc, whatever the caller's umask is.
func TestUmaskUnsetIs0022(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", nil)
	old := syscall.Umask(0o077)
	r := e.run("run", "--bundle", b, "c")
	syscall.Umask(old)
	if r.code != 0 {
		t.Fatalf("run: exit %d: %s", r.code, r.stderr)
	}
	if got := parseProbe(t, r.stdout).Umask; got != 0o022 {
		t.Fatalf("umask %04o, want 0022", got)
	}
}

// A relative bind source names a path in the bundle (runc resolves it
// against the bundle directory), not in the caller's cwd.
func TestRelativeBindSourceIsInBundle(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: "data", Options: []string{"rbind", "ro"}})
		s.Process.Args = []string{"cat", "/data/f"}
	})
	must(t, os.MkdirAll(filepath.Join(b, "data"), 0o755))
	must(t, os.WriteFile(filepath.Join(b, "data/f"), []byte("in-bundle"), 0o644))
	elsewhere := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(elsewhere, "data"), 0o755))
	must(t, os.WriteFile(filepath.Join(elsewhere, "data/f"), []byte("in-cwd"), 0o644))
	r := e.runIn(elsewhere, "run", "--bundle", b, "c")
	if r.code != 0 || r.stdout != "in-bundle" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want in-bundle", r.code, r.stdout, r.stderr)
	}
}

// A read-only /dev with /dev/pts and /dev/mqueue mounted under it, as
// podman's --read-only sends: the read-only flag goes on after the
// submounts (runc's finalizeRootfs).
func TestReadonlyDevWithSubmounts(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		for i, m := range s.Mounts {
			if m.Destination == "/dev" {
				s.Mounts[i].Options = append(m.Options, "ro")
			}
		}
		s.Process.Args = []string{"sh", "-c", "test -e /dev/pts/ptmx && test -c /dev/null && ! touch /dev/x 2>/dev/null && echo ok"}
	})
	r := e.run("run", "--bundle", b, "c")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "ok" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// A cwd the container's root cannot enter (0700, owned by the process's
// user, with a group unmapped in the user namespace so root's
// CAP_DAC_OVERRIDE does not apply) is entered after the user switch, as
// runc; a missing cwd is created (0755, as root, runc's prepareRootfs).
func TestCwdReachableOnlyAsUserAndMissingCwd(t *testing.T) {
	e := newEnv(t)
	var rootfs string
	b := e.bundle("c", func(s *specs.Spec) {
		withUserNS(s)
		s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
		s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
		s.Process.User = specs.User{UID: 1000, GID: 1000}
		s.Process.Cwd = "/home/u/sub"
		s.Process.Args = []string{"/bin/probe"}
	})
	rootfs = filepath.Join(b, "rootfs")
	must(t, os.Mkdir(filepath.Join(rootfs, "home"), 0o755))
	home := filepath.Join(rootfs, "home/u")
	must(t, os.MkdirAll(home, 0o700))
	must(t, os.Chmod(home, 0o700))
	must(t, os.Mkdir(filepath.Join(home, "sub"), 0o755))
	must(t, os.Chown(filepath.Join(home, "sub"), 101000, 101000))
	must(t, os.Chown(home, 101000, 0))
	r := e.run("run", "--bundle", b, "c")
	if r.code != 0 {
		t.Fatalf("cwd only the user reaches: exit %d: %s", r.code, r.stderr)
	}
	if got := parseProbe(t, r.stdout).Cwd; got != "/home/u/sub" {
		t.Fatalf("cwd %q, want /home/u/sub", got)
	}

	b2 := e.bundle("missing", func(s *specs.Spec) {
		s.Process.Cwd = "/not/yet"
		s.Process.Args = []string{"sh", "-c", "pwd; stat -c %a /not/yet"}
	})
	r = e.run("run", "--bundle", b2, "missing")
	if got := strings.Fields(r.stdout); r.code != 0 || len(got) != 2 || got[0] != "/not/yet" || got[1] != "755" {
		t.Fatalf("missing cwd: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// startContainer hooks run under the container's seccomp filter (runc
// loads it before them): a filter that forbids what a hook needs makes
// start fail.
func TestStartContainerHookRunsUnderSeccomp(t *testing.T) {
	e := newEnv(t)
	for _, nnp := range []bool{true, false} {
		id := map[bool]string{true: "nnp", false: "nonnp"}[nnp]
		b := e.bundle(id, func(s *specs.Spec) {
			s.Process.NoNewPrivileges = nnp
			s.Process.Args = []string{"true"}
			s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow,
				Syscalls: []specs.LinuxSyscall{{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActErrno, ErrnoRet: errnoPtr(1)}}}
			s.Root.Readonly = false
			s.Hooks = &specs.Hooks{StartContainer: []specs.Hook{{Path: "/bin/mkdir", Args: []string{"mkdir", "/tmp/hookdir"}}}}
		})
		e.ok("create", "--bundle", b, id)
		r := e.run("start", id)
		if r.code == 0 || !strings.Contains(r.stderr, "startContainer") {
			t.Errorf("%s: start exit %d, stderr %q; want the hook to fail under the filter", id, r.code, r.stderr)
		}
		if _, err := os.Stat(filepath.Join(b, "rootfs/tmp/hookdir")); err == nil {
			t.Errorf("%s: the hook ran without the filter", id)
		}
		e.run("delete", "--force", id)
	}
}

// linux.resources.unified on a cgroup v1 host is refused, as runc ("cannot
// use unified on cgroup v1"): minirun would otherwise ignore it.
func TestUnifiedResourcesRefusedOnV1(t *testing.T) {
	requireV1(t)
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		if s.Linux.Resources == nil {
			s.Linux.Resources = &specs.LinuxResources{}
		}
		limit := int64(50)
		s.Linux.Resources.Pids = &specs.LinuxPids{Limit: &limit}
		s.Linux.Resources.Unified = map[string]string{"pids.max": "10"}
	})
	r := e.run("create", "--bundle", b, "c")
	if r.code == 0 || !strings.Contains(r.stderr, "linux.resources.unified") {
		t.Fatalf("exit %d, stderr %q; want unified refused", r.code, r.stderr)
	}
	e.checkNothingLeft("c", "c")
}

// linux.devices gets the config's owner and mode; a process with
// CAP_MKNOD may mknod and use a device the devices cgroup allows.
func TestDeviceNodesOwnerAndAllowedMknod(t *testing.T) {
	e := newEnv(t)
	mode := os.FileMode(0o620)
	uid, gid := uint32(1000), uint32(1001)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Linux.Devices = append(s.Linux.Devices, specs.LinuxDevice{Path: "/dev/mr-null", Type: "c", Major: 1, Minor: 3,
			FileMode: &mode, UID: &uid, GID: &gid})
		allow := true
		s.Linux.Resources.Devices = append(s.Linux.Resources.Devices,
			specs.LinuxDeviceCgroup{Allow: allow, Type: "c", Major: i64(1), Minor: i64(3), Access: "rwm"})
		s.Process.Capabilities.Bounding = append(s.Process.Capabilities.Bounding, "CAP_MKNOD")
		s.Process.Capabilities.Effective = append(s.Process.Capabilities.Effective, "CAP_MKNOD")
		s.Process.Capabilities.Permitted = append(s.Process.Capabilities.Permitted, "CAP_MKNOD")
		s.Root.Readonly = false
		s.Process.Args = []string{"sh", "-c", "stat -c '%u:%g %a %t:%T' /dev/mr-null; " +
			"mknod /tmp/ok c 1 3 && echo x > /tmp/ok && echo allowed"}
	})
	r := e.run("run", "--bundle", b, "c")
	want := fmt.Sprintf("%d:%d 620 1:3 allowed", uid, gid)
	if got := strings.Join(strings.Fields(r.stdout), " "); r.code != 0 || got != want {
		t.Fatalf("exit %d, got %q, want %q (stderr %q)", r.code, got, want, r.stderr)
	}
}

func i64(v int64) *int64 { return &v }

// --preserve-fds N with one of those fds closed fails, as runc 1.5
// ("unable to stat preserved-fd"), before anything is created.
func TestPreserveFdsClosedFdRefused(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"true"} })
	r, err := execShell(fmt.Sprintf("exec 3</dev/null; exec 4<&-; exec %s --root %s run --preserve-fds 2 --bundle %s c", minirun, e.root, b))
	if err == nil || !strings.Contains(r, "fd 4") {
		t.Fatalf("err %v, output %q; want fd 4 refused", err, r)
	}
	e.checkNothingLeft("c", "c")
}

// A bind source below a host directory the container's root cannot search
// (0700, host root's) is opened by the runtime, which can, as runc 1.2+
// does (open_tree in the container's mount namespace); a source inside
// the rootfs is resolved there, so an image's symlink cannot name a host
// file the container's root could not read.
func TestUserNSBindSourceBelowPrivateHostDir(t *testing.T) {
	e := newEnv(t)
	priv := filepath.Join(e.dir, "priv")
	vol := filepath.Join(priv, "vol")
	must(t, os.MkdirAll(vol, 0o755))
	must(t, os.Chmod(priv, 0o700))
	must(t, os.WriteFile(filepath.Join(vol, "f"), []byte("volume"), 0o644))
	must(t, os.Chown(vol, 100000, 100000))
	userns := func(s *specs.Spec) {
		withUserNS(s)
		s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
		s.Linux.GIDMappings = s.Linux.UIDMappings
	}
	b := e.bundle("c", func(s *specs.Spec) {
		userns(s)
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: vol, Options: []string{"rbind", "ro"}})
		s.Process.Args = []string{"cat", "/data/f"}
	})
	must(t, os.Mkdir(filepath.Join(b, "rootfs/data"), 0o755))
	r := e.run("run", "--bundle", b, "c")
	if r.code != 0 || r.stdout != "volume" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want the volume", r.code, r.stdout, r.stderr)
	}

	// The image's link to a host file only host root may read.
	secret := filepath.Join(priv, "secret")
	must(t, os.WriteFile(secret, []byte("host-secret"), 0o600))
	b2 := e.bundle("link", func(s *specs.Spec) {
		userns(s)
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/leak", Type: "bind", Source: "rootfs/evil", Options: []string{"bind"}})
		s.Process.Args = []string{"cat", "/leak"}
	})
	must(t, os.Symlink(secret, filepath.Join(b2, "rootfs/evil")))
	must(t, os.WriteFile(filepath.Join(b2, "rootfs/leak"), nil, 0o644))
	r = e.run("run", "--bundle", b2, "link")
	if strings.Contains(r.stdout, "host-secret") || r.code == 0 {
		t.Fatalf("the image's symlink exposed a host file: exit %d %q", r.code, r.stdout)
	}
	t.Logf("image symlink refused: %s", r.stderr)
}

// Two linux.namespaces entries of one type are refused before anything is
// made, as runc 1.5 ("malformed spec file: duplicated ns").
func TestDuplicateNamespaceRefused(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UTSNamespace})
	})
	r := e.run("create", "--bundle", b, "c")
	if r.code == 0 || !strings.Contains(r.stderr, "duplicate namespace \"uts\"") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	e.checkNothingLeft("c", "c")
}

// A bundle reached through a host symlink, with a relative bind source
// inside its rootfs: the source is recognised as the rootfs's and resolved
// inside it, so the image's link `data -> /<host dir>` stays in the image
// and the host's directory is not bound in.
func TestBindSourceUnderRootfsThroughSymlinkedBundle(t *testing.T) {
	e := newEnv(t)
	hostDir := filepath.Join(e.dir, "hostsecret")
	must(t, os.MkdirAll(hostDir, 0o755))
	must(t, os.WriteFile(filepath.Join(hostDir, "f"), []byte("host-file"), 0o644))
	b := e.bundle("c", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/mnt", Type: "bind", Source: "rootfs/data", Options: []string{"rbind", "ro"}})
		s.Process.Args = []string{"sh", "-c", "cat /mnt/f 2>/dev/null || echo not-host"}
	})
	// The image's link aims at the host path; inside the rootfs that path
	// is an image directory holding its own file.
	must(t, os.Symlink(hostDir, filepath.Join(b, "rootfs", "data")))
	must(t, os.MkdirAll(filepath.Join(b, "rootfs", hostDir), 0o755))
	must(t, os.WriteFile(filepath.Join(b, "rootfs", hostDir, "f"), []byte("image-file"), 0o644))
	link := filepath.Join(e.dir, "bundle-link")
	must(t, os.Symlink(b, link))
	r := e.run("run", "--bundle", link, "c")
	if strings.Contains(r.stdout, "host-file") {
		t.Fatalf("the host's directory was bound through the image's link: stdout %q", r.stdout)
	}
	if r.code != 0 || strings.TrimSpace(r.stdout) != "image-file" {
		t.Errorf("exit %d, stdout %q, stderr %q; want the image's own file", r.code, r.stdout, r.stderr)
	}
}

// The same with an absolute source spelled through a host link to the
// bundle: still the rootfs's, resolved inside it.
func TestBindSourceThroughHostLinkIntoRootfs(t *testing.T) {
	e := newEnv(t)
	link := filepath.Join(e.dir, "bundle-link")
	b := e.bundle("c", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/mnt", Type: "bind", Source: filepath.Join(link, "rootfs", "data"), Options: []string{"rbind", "ro"}})
		s.Process.Args = []string{"sh", "-c", "cat /mnt/f 2>/dev/null || echo not-host"}
	})
	rootfs := filepath.Join(b, "rootfs")
	hostDir := plantHostSecret(t, e, rootfs)
	must(t, os.Symlink(b, link))
	must(t, os.Symlink(hostDir, filepath.Join(rootfs, "data")))
	expectImageFile(t, e.run("run", "--bundle", b, "c"), "image-file")
}

// The same with a host link that points into a subdirectory of the rootfs
// (not at the bundle or the rootfs itself), and with one that points at
// an image link: the image's rootfs/sub/data and rootfs/evil lead to the
// host's directory if read on the host.
func TestBindSourceThroughHostLinkIntoRootfsSubdirectory(t *testing.T) {
	e := newEnv(t)
	toSub := filepath.Join(e.dir, "sub-link")
	toEvil := filepath.Join(e.dir, "evil-link")
	b := e.bundle("c", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts,
			specs.Mount{Destination: "/mnt/a", Type: "bind", Source: filepath.Join(toSub, "data"), Options: []string{"rbind", "ro"}},
			specs.Mount{Destination: "/mnt/b", Type: "bind", Source: toEvil, Options: []string{"rbind", "ro"}})
		s.Process.Args = []string{"sh", "-c", "cat /mnt/a/f /mnt/b/f 2>&1"}
	})
	rootfs := filepath.Join(b, "rootfs")
	hostDir := plantHostSecret(t, e, rootfs)
	must(t, os.MkdirAll(filepath.Join(rootfs, "sub"), 0o755))
	must(t, os.Symlink(rootfs+"/sub", toSub))
	must(t, os.Symlink(rootfs+"/evil", toEvil))
	must(t, os.Symlink(hostDir, filepath.Join(rootfs, "sub", "data")))
	must(t, os.Symlink(hostDir, filepath.Join(rootfs, "evil")))
	expectImageFile(t, e.run("run", "--bundle", b, "c"), "image-fileimage-file")
}

// plantHostSecret makes a host directory holding f = "host-file" and, at
// the same path inside rootfs, the image's own f = "image-file": an image
// link to that path shows whether a bind source was read on the host or
// inside the rootfs. It returns the host directory.
func plantHostSecret(t *testing.T, e *env, rootfs string) string {
	t.Helper()
	hostDir := filepath.Join(e.dir, "hostsecret")
	must(t, os.MkdirAll(hostDir, 0o755))
	must(t, os.WriteFile(filepath.Join(hostDir, "f"), []byte("host-file"), 0o644))
	must(t, os.MkdirAll(filepath.Join(rootfs, hostDir), 0o755))
	must(t, os.WriteFile(filepath.Join(rootfs, hostDir, "f"), []byte("image-file"), 0o644))
	return hostDir
}

// expectImageFile fails on the host's file and wants stdout (trimmed).
func expectImageFile(t *testing.T, r result, stdout string) {
	t.Helper()
	if strings.Contains(r.stdout, "host-file") {
		t.Fatalf("the host's directory was bound through the image's link: stdout %q", r.stdout)
	}
	if r.code != 0 || strings.TrimSpace(r.stdout) != stdout {
		t.Errorf("exit %d, stdout %q, stderr %q; want %q, the image's own file", r.code, r.stdout, r.stderr, stdout)
	}
}
