package integration

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// sharedDir makes dir a shared mount of its own (as kubelet's pod volume
// dirs are), unmounted when the test ends.
func sharedDir(t *testing.T, dir string) {
	t.Helper()
	must(t, os.MkdirAll(dir, 0o755))
	must(t, syscall.Mount(dir, dir, "", syscall.MS_BIND, ""))
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	must(t, syscall.Mount("", dir, "", syscall.MS_SHARED, ""))
}

// Kubernetes' HostToContainer (rslave) and Bidirectional (rshared) volume
// propagation: a host mount made under the source after start appears
// inside, and with rshared a mount made inside appears on the host.
func TestMountPropagationReachesTheContainer(t *testing.T) {
	e := newEnv(t)
	slaveSrc, sharedSrc := filepath.Join(e.dir, "slave-src"), filepath.Join(e.dir, "shared-src")
	sharedDir(t, slaveSrc)
	sharedDir(t, sharedSrc)
	runningSleep(e, "c", func(s *specs.Spec) {
		s.Linux.RootfsPropagation = "rshared"
		s.Mounts = append(s.Mounts,
			specs.Mount{Destination: "/slave", Type: "bind", Source: slaveSrc, Options: []string{"rbind", "rslave"}},
			specs.Mount{Destination: "/shared", Type: "bind", Source: sharedSrc, Options: []string{"rbind", "rshared"}})
	})
	// Host to container.
	sub := filepath.Join(slaveSrc, "sub")
	must(t, os.MkdirAll(sub, 0o755))
	must(t, syscall.Mount("tmpfs", sub, "tmpfs", 0, ""))
	defer syscall.Unmount(sub, syscall.MNT_DETACH)
	must(t, os.WriteFile(filepath.Join(sub, "marker"), []byte("from-host"), 0o644))
	if out := e.run("exec", "c", "cat", "/slave/sub/marker"); !strings.Contains(out.stdout, "from-host") {
		t.Fatalf("a host mount under an rslave source did not reach the container: %q %q", out.stdout, out.stderr)
	}
	// Container to host.
	r := e.run("exec", "--cap", "CAP_SYS_ADMIN", "c", "sh", "-c", "mkdir -p /shared/in && mount -t tmpfs tmpfs /shared/in && echo x > /shared/in/marker")
	if r.code != 0 {
		t.Fatalf("mount inside: exit %d %s", r.code, r.stderr)
	}
	in := filepath.Join(sharedSrc, "in")
	defer syscall.Unmount(in, syscall.MNT_DETACH)
	if b, err := os.ReadFile(filepath.Join(in, "marker")); err != nil || string(b) != "x\n" {
		t.Fatalf("a container mount under an rshared bind did not reach the host: %q %v", b, err)
	}
	e.ok("delete", "--force", "c")
}

// containerd's rootfs is a mount point of its own (an overlay), shared
// like every mount on a systemd host; with rootfsPropagation rshared (what
// Kubernetes sends for Bidirectional volumes) pivot_root refused it
// (EINVAL: new_root's parent mount was shared).
func TestSharedRootfsMountPointPivots(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Linux.RootfsPropagation = "rshared"
		s.Process.Args = []string{"echo", "pivoted"}
	})
	sharedDir(t, filepath.Join(b, "rootfs"))
	if out := e.ok("run", "--bundle", b, "c"); !strings.Contains(out, "pivoted") {
		t.Fatalf("output %q", out)
	}
}
