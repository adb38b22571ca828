package integration

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
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
		{"userns", func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
			s.Linux.UIDMappings = []specs.LinuxIDMapping{{HostID: 100000, Size: 65536}}
			s.Linux.GIDMappings = s.Linux.UIDMappings
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: src, Options: []string{"rbind"}, UIDMappings: maps, GIDMappings: maps})
		}, "]: idmapped mounts in a container with a user namespace are not supported"},
	}
	for _, c := range refused {
		r := e.run("create", "--bundle", e.bundle(c.name, c.mutate), c.name)
		if r.code != 1 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d %q, want %q", c.name, r.code, r.stderr, c.want)
		}
		e.checkNothingLeft(c.name, c.name)
	}
}
