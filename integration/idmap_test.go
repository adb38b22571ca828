package integration

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// TestIdmappedMounts: a bind with uidMappings/gidMappings shows the
// source's files with mapped owners inside the container; "idmap" maps
// only the bind's top mount, "ridmap" its submounts too. The source's
// files keep their owners on the host.
func TestIdmappedMounts(t *testing.T) {
	e := newEnv(t)
	maps := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 2000, Size: 1001}}
	src := hostSubmount(t, e, "src", 0) // src/sub is a tmpfs; sub/f is owned by 0
	must(t, os.WriteFile(filepath.Join(src, "rootf"), nil, 0o644))
	must(t, os.WriteFile(filepath.Join(src, "userf"), nil, 0o644))
	must(t, os.Chown(filepath.Join(src, "userf"), 1000, 1000))
	cases := []struct{ name, opt, want string }{
		{"maps", "", "2000:2000 3000:3000 0:0"},
		{"idmap", "idmap", "2000:2000 3000:3000 0:0"},
		{"ridmap", "ridmap", "2000:2000 3000:3000 2000:2000"},
	}
	for _, c := range cases {
		b := e.bundle(c.name, func(s *specs.Spec) {
			opts := []string{"rbind"}
			if c.opt != "" {
				opts = append(opts, c.opt)
			}
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: src,
				Options: opts, UIDMappings: maps, GIDMappings: maps})
			s.Process.Args = []string{"stat", "-c", "%u:%g", "/data/rootf", "/data/userf", "/data/sub/f"}
		})
		r := e.run("run", "--bundle", b, c.name)
		if got := strings.Join(strings.Fields(r.stdout), " "); r.code != 0 || got != c.want {
			t.Errorf("%s: exit %d, owners %q, want %q (stderr %q)", c.name, r.code, got, c.want, r.stderr)
		}
	}
	var st os.FileInfo
	st, _ = os.Stat(filepath.Join(src, "userf"))
	if uid := st.Sys().(*syscall.Stat_t).Uid; uid != 1000 {
		t.Errorf("host file owner changed to %d", uid)
	}
	refused := []struct {
		name   string
		mutate func(*specs.Spec)
		want   string
	}{
		{"onemap", func(s *specs.Spec) {
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: src, Options: []string{"rbind"}, UIDMappings: maps})
		}, "].uidMappings: an idmapped mount needs both uidMappings and gidMappings"},
		{"nomaps", func(s *specs.Spec) {
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: src, Options: []string{"rbind", "idmap"}})
		}, "].uidMappings: an idmapped mount needs both"},
		{"tmpfs", func(s *specs.Spec) {
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "tmpfs", Source: "tmpfs", Options: []string{"ridmap"}})
		}, "]: idmapped mounts are only supported for bind mounts"},
	}
	for _, c := range refused {
		r := e.run("create", "--bundle", e.bundle(c.name, c.mutate), c.name)
		if r.code != 1 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d %q, want %q", c.name, r.code, r.stderr, c.want)
		}
		e.checkNothingLeft(c.name, c.name)
	}
}

// Kubernetes hostUsers:false pods and podman :idmap volumes: a container
// with a user namespace gets a bind idmapped with the pod's own maps, so
// the volume's root-owned files are root's inside and what the container's
// root writes is owned by host root on the volume. The init cannot make
// such a mount (it is not privileged over the host's filesystem), so the
// runtime makes the idmapped tree outside and the init attaches it.
func TestIdmappedMountInUserNamespace(t *testing.T) {
	e := newEnv(t)
	src := filepath.Join(e.dir, "vol")
	must(t, os.MkdirAll(src, 0o755))
	must(t, os.WriteFile(filepath.Join(src, "rootf"), nil, 0o644))
	must(t, os.WriteFile(filepath.Join(src, "userf"), nil, 0o644))
	must(t, os.Chown(filepath.Join(src, "userf"), 1000, 1000))
	pod := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	userns := func(s *specs.Spec) {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
		s.Linux.UIDMappings, s.Linux.GIDMappings = pod, pod
	}
	b := e.bundle("c", func(s *specs.Spec) {
		userns(s)
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: src,
			Options: []string{"rbind", "idmap"}, UIDMappings: pod, GIDMappings: pod})
		s.Process.Args = []string{"sh", "-c", "stat -c %u:%g /data/rootf /data/userf; touch /data/new"}
	})
	// The mapped root cannot create directories in a rootfs host root owns.
	must(t, os.MkdirAll(filepath.Join(b, "rootfs", "data"), 0o755))
	r := e.run("run", "--bundle", b, "c")
	if got := strings.Join(strings.Fields(r.stdout), " "); r.code != 0 || got != "0:0 1000:1000" {
		t.Fatalf("idmapped volume in a user namespace: exit %d, owners %q, want \"0:0 1000:1000\" (stderr %q)", r.code, got, r.stderr)
	}
	st, err := os.Stat(filepath.Join(src, "new"))
	must(t, err)
	if uid := st.Sys().(*syscall.Stat_t).Uid; uid != 0 {
		t.Errorf("a file the container's root made on the volume is owned by host uid %d, want 0", uid)
	}
	// The same bind without idmap: the volume's owners are unmapped there.
	plain := e.bundle("p", func(s *specs.Spec) {
		userns(s)
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: src, Options: []string{"rbind"}})
		s.Process.Args = []string{"stat", "-c", "%u", "/data/rootf"}
	})
	must(t, os.MkdirAll(filepath.Join(plain, "rootfs", "data"), 0o755))
	if out := strings.TrimSpace(e.ok("run", "--bundle", plain, "p")); out != "65534" {
		t.Errorf("plain bind in a user namespace shows owner %q, want the overflow uid 65534", out)
	}
}

// A tree the runtime clones outside the container's mount namespace has no
// kernel-locked flags; a container whose processes may hold CAP_SYS_ADMIN
// could remount a read-only volume writable. So such a container gets no
// runtime-made trees: its idmapped binds are refused, its plain binds made
// inside (where the read-only flag is locked when the source's is).
func TestNoRuntimeTreesForContainersWithSysAdmin(t *testing.T) {
	e := newEnv(t)
	src := filepath.Join(e.dir, "vol")
	must(t, os.MkdirAll(src, 0o755))
	pod := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	admin := func(s *specs.Spec) {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
		s.Linux.UIDMappings, s.Linux.GIDMappings = pod, pod
		c := s.Process.Capabilities
		for _, set := range []*[]string{&c.Bounding, &c.Effective, &c.Permitted} {
			*set = append(*set, "CAP_SYS_ADMIN")
		}
	}
	b := e.bundle("c", func(s *specs.Spec) {
		admin(s)
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: src,
			Options: []string{"rbind", "idmap"}, UIDMappings: pod, GIDMappings: pod})
	})
	must(t, os.MkdirAll(filepath.Join(b, "rootfs", "data"), 0o755))
	if r := e.run("run", "--bundle", b, "c"); r.code == 0 || !strings.Contains(r.stderr, "CAP_SYS_ADMIN") {
		t.Fatalf("idmapped bind with CAP_SYS_ADMIN in the user namespace: exit %d, stderr %q", r.code, r.stderr)
	}
	e.checkNothingLeft("c", "c")
	// A read-only source mount bound read-only: the container's admin
	// cannot make it writable.
	ro := filepath.Join(e.dir, "romount")
	must(t, os.MkdirAll(ro, 0o755))
	must(t, unix.Mount("tmpfs", ro, "tmpfs", unix.MS_RDONLY, "mode=755"))
	t.Cleanup(func() { unix.Unmount(ro, unix.MNT_DETACH) })
	p := e.bundle("p", func(s *specs.Spec) {
		admin(s)
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: ro, Options: []string{"rbind", "ro"}})
		s.Process.Args = []string{"sh", "-c", "mount -o remount,bind,rw /data 2>/dev/null && touch /data/x 2>/dev/null && echo writable; echo done"}
	})
	must(t, os.MkdirAll(filepath.Join(p, "rootfs", "data"), 0o755))
	r := e.run("run", "--bundle", p, "p")
	if r.code != 0 || strings.Contains(r.stdout, "writable") {
		t.Fatalf("read-only volume in a container with CAP_SYS_ADMIN: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
