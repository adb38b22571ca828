package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// runc 1.5 (mounts.bats "bind mount through a dangling symlink"): a bind
// target reached through an image's dangling symlink, as a component or
// as the last one, is created where the link points inside the rootfs,
// and the mount lands there, never outside.
func TestBindTargetThroughDanglingSymlinks(t *testing.T) {
	e := newEnv(t)
	srcFile := filepath.Join(e.dir, "hosts-src")
	must(t, os.WriteFile(srcFile, []byte("from-the-host\n"), 0o644))
	srcDir := filepath.Join(e.dir, "dir-src")
	must(t, os.Mkdir(srcDir, 0o755))
	must(t, os.WriteFile(filepath.Join(srcDir, "inside"), []byte("in-dir\n"), 0o644))
	cases := []struct {
		name, src, read, created string
		links                    map[string]string
	}{
		{"component", srcFile, "/etc/hosts", "tmp/foo/bar/baz/hosts",
			map[string]string{"jump": "/tmp/foo/bar", "etc/hosts": "/jump/baz/hosts"}},
		{"trailing", srcFile, "/etc/hosts", "tmp/hosts", map[string]string{"etc/hosts": "/tmp/hosts"}},
		{"trailingdir", srcDir, "/etc/hosts/inside", "tmp/hosts", map[string]string{"etc/hosts": "/tmp/hosts"}},
		// An absolute link that would leave the rootfs on the host stays inside.
		{"escape", srcFile, "/etc/hosts", "escape-target", map[string]string{"etc/hosts": filepath.Join(e.dir, "escape-target")}},
	}
	for _, c := range cases {
		b := e.bundle(c.name, func(s *specs.Spec) {
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/etc/hosts", Type: "bind", Source: c.src, Options: []string{"bind"}})
			s.Process.Args = []string{"cat", c.read}
		})
		for link, target := range c.links {
			must(t, os.Symlink(target, filepath.Join(b, "rootfs", link)))
		}
		r := e.run("run", "--bundle", b, c.name)
		if r.code != 0 || !strings.Contains(r.stdout, "from-the-host") && !strings.Contains(r.stdout, "in-dir") {
			t.Errorf("%s: exit %d, %q %q", c.name, r.code, r.stdout, r.stderr)
			continue
		}
		created := filepath.Join(b, "rootfs", c.created)
		if c.name == "escape" {
			created = filepath.Join(b, "rootfs", e.dir, "escape-target")
			if _, err := os.Lstat(filepath.Join(e.dir, "escape-target")); err == nil {
				t.Errorf("escape: the target was created on the host")
			}
		}
		if _, err := os.Lstat(created); err != nil {
			t.Errorf("%s: %s not created in the rootfs: %v", c.name, c.created, err)
		}
	}
}

// A bind source under the rootfs is resolved inside it, as targets are: an
// image's link there to a host path names the rootfs's copy of that path,
// never the host's file (runc follows it on the host; see README).
func TestBindSourceUnderRootfsNeverFollowsImageLinksToTheHost(t *testing.T) {
	e := newEnv(t)
	secret := filepath.Join(e.dir, "host-secret")
	must(t, os.WriteFile(secret, []byte("HOST-SECRET\n"), 0o600))
	rootfs := filepath.Join(e.bundle("c", nil), "rootfs")
	must(t, os.MkdirAll(filepath.Join(rootfs, filepath.Dir(secret)), 0o755))
	must(t, os.WriteFile(filepath.Join(rootfs, secret), []byte("rootfs-copy\n"), 0o644))
	must(t, os.Symlink(secret, filepath.Join(rootfs, "etc/link")))
	b := e.bundle("c", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/mnt/file", Type: "bind", Source: rootfs + "/etc/link", Options: []string{"bind"}})
		s.Process.Args = []string{"cat", "/mnt/file"}
	})
	r := e.run("run", "--bundle", b, "c")
	if strings.Contains(r.stdout, "HOST-SECRET") || r.code != 0 || !strings.Contains(r.stdout, "rootfs-copy") {
		t.Fatalf("exit %d, %q %q: want the rootfs's copy, never the host's file", r.code, r.stdout, r.stderr)
	}
}
