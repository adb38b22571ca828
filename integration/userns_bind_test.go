package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// A bind source the container's mapped root cannot reach (a 0700
// directory of the host's root, as podman's and Docker's volume stores
// are) is opened by the runtime outside the user namespace, as runc does;
// a file source and a recursive bind too.
func TestUserNamespaceBindsSourcesOnlyTheRuntimeCanReach(t *testing.T) {
	e := newEnv(t)
	private := filepath.Join(e.dir, "private")
	must(t, os.MkdirAll(filepath.Join(private, "vol/sub"), 0o755))
	must(t, os.Chmod(private, 0o700))
	must(t, os.WriteFile(filepath.Join(private, "vol/data"), []byte("volume-data\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(private, "file"), []byte("file-data\n"), 0o644))
	locked := filepath.Join(private, "locked")
	must(t, os.Mkdir(locked, 0o755))
	must(t, unix.Mount("tmpfs", locked, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=755"))
	t.Cleanup(func() { unix.Unmount(locked, unix.MNT_DETACH) })
	b := e.bundle("c", func(s *specs.Spec) {
		withUserNS(s)
		s.Mounts = append(s.Mounts,
			specs.Mount{Destination: "/vol", Type: "bind", Source: private + "/vol", Options: []string{"rbind", "ro"}},
			specs.Mount{Destination: "/etc/file", Type: "bind", Source: private + "/file", Options: []string{"bind"}},
			specs.Mount{Destination: "/locked", Type: "bind", Source: locked, Options: []string{"bind", "ro"}})
		s.Process.Args = []string{"sh", "-c", "cat /vol/data /etc/file; touch /vol/x 2>/dev/null && echo writable; grep ' /locked ' /proc/self/mountinfo"}
	})
	// The mapped root may not write the host-owned rootfs: targets exist.
	must(t, os.Mkdir(filepath.Join(b, "rootfs/vol"), 0o755))
	must(t, os.Mkdir(filepath.Join(b, "rootfs/locked"), 0o755))
	must(t, os.WriteFile(filepath.Join(b, "rootfs/etc/file"), nil, 0o644))
	r := e.run("run", "--bundle", b, "c")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "volume-data\nfile-data\n") {
		t.Fatalf("exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "writable") {
		t.Fatal("the ro bind is writable")
	}
	// As a bind made inside the user namespace, where the kernel locks them:
	// the source's nosuid, nodev and noexec stay.
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	opts := strings.Split(strings.Fields(lines[len(lines)-1])[5], ",")
	for _, want := range []string{"ro", "nosuid", "nodev", "noexec"} {
		if !contains(opts, want) {
			t.Errorf("/locked has %v, want %s", opts, want)
		}
	}
}
