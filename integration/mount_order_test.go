package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// runc 1.5 mounts.bats test_mount_order: a tree of binds, then binds whose
// sources are inside the rootfs and exist only through the earlier ones,
// with destinations written as host paths under the rootfs (runc strips
// the rootfs prefix); done in config order, the final file is a/x's.
func TestMountOrderWithSourcesInsideTheContainer(t *testing.T) {
	for _, userns := range []bool{false, true} {
		name := map[bool]string{false: "host", true: "userns"}[userns]
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			b := e.bundle("c", nil)
			rootfs := filepath.Join(b, "rootfs")
			src := filepath.Join(b, "bind-src")
			for _, sub := range []string{"a/x", "b/y", "c/z"} {
				must(t, os.MkdirAll(filepath.Join(src, sub), 0o755))
				must(t, os.WriteFile(filepath.Join(src, sub, "file"), []byte(sub+"\n"), 0o644))
				top := filepath.Dir(sub)
				must(t, os.Symlink(top, filepath.Join(src, "sym-"+top)))
			}
			// As runc's test: the mapped root cannot reach the sources, which
			// the runtime opens from outside the user namespace.
			must(t, os.Chmod(src, 0o750))
			for _, d := range []string{"mnt", "final"} {
				must(t, os.MkdirAll(filepath.Join(rootfs, d), 0o755))
			}
			bind := func(s, d string, opts ...string) specs.Mount {
				return specs.Mount{Source: s, Destination: d, Type: "bind", Options: append([]string{"bind"}, opts...)}
			}
			b = e.bundle("c", func(s *specs.Spec) {
				if userns {
					withUserNS(s)
				}
				s.Mounts = append(s.Mounts,
					bind(src+"/a", "/mnt"),
					bind(src+"/sym-b", "/mnt/x"),
					bind(src+"/c", "/mnt/x/y"),
					bind(src+"/sym-a", "/mnt/x/y/z"),
					bind(rootfs+"/mnt/x", rootfs+"/mnt/x/y/z/x", "rbind"),
					bind(rootfs+"/mnt/x/y", rootfs+"/mnt/x/y/z", "rbind"),
					bind(rootfs+"/mnt", rootfs+"/final", "rbind"))
				s.Process.Args = []string{"cat", "/final/x/y/z/z/x/y/z/x/file"}
			})
			r := e.run("run", "--bundle", b, "c")
			if r.code != 0 || !strings.Contains(r.stdout, "a/x") {
				t.Fatalf("exit %d, %q %q; want a/x's file", r.code, r.stdout, r.stderr)
			}
		})
	}
}
