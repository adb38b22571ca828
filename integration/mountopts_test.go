package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// hostSubmount makes e.dir/src with a tmpfs submount at src/sub mounted
// with flags, unmounted before the env checks for leftovers.
func hostSubmount(t *testing.T, e *env, name string, flags uintptr) string {
	t.Helper()
	src := filepath.Join(e.dir, name)
	must(t, os.MkdirAll(filepath.Join(src, "sub"), 0o755))
	must(t, unix.Mount("tmpfs", filepath.Join(src, "sub"), "tmpfs", 0, "size=1m"))
	t.Cleanup(func() { unix.Unmount(filepath.Join(src, "sub"), unix.MNT_DETACH) })
	must(t, os.WriteFile(filepath.Join(src, "sub", "f"), []byte("x"), 0o644))
	must(t, os.Symlink("f", filepath.Join(src, "sub", "l")))
	if flags != 0 {
		must(t, unix.Mount("", filepath.Join(src, "sub"), "", unix.MS_REMOUNT|unix.MS_BIND|flags, ""))
	}
	return src
}

// mountOptsOf returns the per-mount options (field 6 of mountinfo(5)) of
// the mount at dest, as seen inside the container.
func mountOptsOf(t *testing.T, mountinfo, dest string) map[string]bool {
	t.Helper()
	for _, l := range strings.Split(mountinfo, "\n") {
		f := strings.Fields(l)
		if len(f) > 5 && f[4] == dest {
			out := map[string]bool{}
			for _, o := range strings.Split(f[5], ",") {
				out[o] = true
			}
			return out
		}
	}
	t.Fatalf("no mount at %s in %q", dest, mountinfo)
	return nil
}

// TestRecursiveMountOptions: the r* options reach the bind's submounts
// (read in the container's /proc/self/mountinfo); the plain ones do not.
func TestRecursiveMountOptions(t *testing.T) {
	e := newEnv(t)
	all := unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_NODIRATIME | unix.MS_NOSYMFOLLOW | unix.MS_NOATIME
	cases := []struct {
		name      string
		hostFlags uintptr
		opts      string
		sub, top  string // options wanted on /data/sub and on /data ("-x": x absent)
	}{
		{"set", 0, "rro,rnosuid,rnodev,rnoexec,rnodiratime,rnosymfollow,rnoatime",
			"ro nosuid nodev noexec nodiratime nosymfollow noatime", "ro nosuid"},
		{"clear", uintptr(all), "rrw,rsuid,rdev,rexec,rdiratime,rsymfollow,rstrictatime",
			"rw -nosuid -nodev -noexec -nodiratime -nosymfollow -noatime -relatime", "rw"},
		{"relatime", unix.MS_NOATIME, "rrelatime", "relatime -noatime", ""},
		{"atime", unix.MS_NOATIME, "ratime", "relatime -noatime", ""},
		{"strict", 0, "rstrictatime", "-relatime -noatime", "-relatime"},
		{"plain", 0, "nosymfollow,ro", "rw -nosymfollow", "ro nosymfollow"},
	}
	for _, c := range cases {
		src := hostSubmount(t, e, c.name+"-src", c.hostFlags)
		b := e.bundle(c.name, func(s *specs.Spec) {
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: src,
				Options: append([]string{"rbind"}, strings.Split(c.opts, ",")...)})
			s.Process.Args = []string{"cat", "/proc/self/mountinfo"}
		})
		r := e.run("run", "--bundle", b, c.name)
		if r.code != 0 {
			t.Errorf("%s: exit %d: %s", c.name, r.code, r.stderr)
			continue
		}
		for dest, want := range map[string]string{"/data/sub": c.sub, "/data": c.top} {
			got := mountOptsOf(t, r.stdout, dest)
			for _, w := range strings.Fields(want) {
				if absent := strings.HasPrefix(w, "-"); absent == got[strings.TrimPrefix(w, "-")] {
					t.Errorf("%s: %s has options %v, want %s", c.name, dest, got, want)
				}
			}
		}
	}
	// The effect, not just the table: a write and a symlink in the submount.
	src := hostSubmount(t, e, "effect-src", 0)
	b := e.bundle("effect", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: src,
			Options: []string{"rbind", "rro", "rnosymfollow"}})
		s.Process.Args = []string{"sh", "-c", "touch /data/sub/new 2>/dev/null && echo wrote; cat /data/sub/l 2>/dev/null && echo followed; cat /data/sub/f"}
	})
	if out := e.ok("run", "--bundle", b, "effect"); strings.TrimSpace(out) != "x" {
		t.Errorf("rro,rnosymfollow submount: output %q, want only the file's content", out)
	}
}

// TestTmpcopyup: a tmpfs with tmpcopyup starts with the image's files
// (content, modes, owners, symlinks, subdirectories), is writable without
// touching the image, and is read-only afterwards when asked.
func TestTmpcopyup(t *testing.T) {
	e := newEnv(t)
	var rootfs string
	b := e.bundle("c", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts,
			specs.Mount{Destination: "/etc/tc", Type: "tmpfs", Source: "tmpfs", Options: []string{"tmpcopyup", "size=1m"}},
			specs.Mount{Destination: "/etc/tcro", Type: "tmpfs", Source: "tmpfs", Options: []string{"tmpcopyup", "ro"}})
		s.Process.Args = []string{"sh", "-c", "grep -c ' /etc/tc .* - tmpfs ' /proc/self/mountinfo; cd /etc/tc; cat f d/g; " +
			"stat -c '%n %a %u:%g' f d d/g; readlink l; echo new > n && cat n; " +
			"cat /etc/tcro/f; touch /etc/tcro/x 2>/dev/null || echo ro-refused"}
	})
	rootfs = filepath.Join(b, "rootfs")
	for _, d := range []string{"etc/tc/d", "etc/tcro"} {
		must(t, os.MkdirAll(filepath.Join(rootfs, d), 0o755))
	}
	must(t, os.WriteFile(filepath.Join(rootfs, "etc/tc/f"), []byte("image-f\n"), 0o604))
	must(t, os.WriteFile(filepath.Join(rootfs, "etc/tc/d/g"), []byte("image-g\n"), 0o644))
	must(t, os.Chown(filepath.Join(rootfs, "etc/tc/f"), 1000, 1000))
	must(t, os.Chown(filepath.Join(rootfs, "etc/tc/d/g"), 1000, 100))
	must(t, os.Chmod(filepath.Join(rootfs, "etc/tc/d"), 0o750))
	must(t, os.Symlink("../f", filepath.Join(rootfs, "etc/tc/l")))
	must(t, os.WriteFile(filepath.Join(rootfs, "etc/tcro/f"), []byte("ro-f\n"), 0o644))
	out := e.ok("run", "--bundle", b, "c")
	want := "1\nimage-f\nimage-g\nf 604 1000:1000\nd 750 0:0\nd/g 644 1000:100\n../f\nnew\nro-f\nro-refused\n"
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	if b, _ := os.ReadFile(filepath.Join(rootfs, "etc/tc/f")); string(b) != "image-f\n" {
		t.Errorf("the image's file was changed: %q", b)
	}
	r := e.run("run", "--bundle", e.bundle("bad", func(s *specs.Spec) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/x", Type: "bind", Source: e.dir, Options: []string{"rbind", "tmpcopyup"}})
	}), "bad")
	if r.code != 1 || !strings.Contains(r.stderr, `].options: "tmpcopyup" needs a tmpfs mount`) {
		t.Errorf("tmpcopyup on a bind: exit %d %q", r.code, r.stderr)
	}
}
