package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// containerd and CRI-O send a joined user namespace's path together with
// its mappings (Kubernetes user-namespace pods). As runc 1.5: accepted with
// a warning when the mappings are the namespace's own, by /proc/<pid> path
// or by a bind-mounted (pinned) path; refused when they differ.
func TestJoinedUserNamespaceWithMappings(t *testing.T) {
	e := newEnv(t)
	// Root writes the holder's maps itself: newuidmap (unshare --map-users)
	// wants /etc/subuid entries this host need not have.
	h := holder(t, "-U", "-m")
	for _, f := range []string{"uid_map", "gid_map"} {
		must(t, os.WriteFile(fmt.Sprintf("/proc/%d/%s", h, f), []byte("0 100000 65536\n"), 0))
	}
	pinned := filepath.Join(e.dir, "pinned-userns")
	must(t, os.WriteFile(pinned, nil, 0o600))
	must(t, unix.Mount(fmt.Sprintf("/proc/%d/ns/user", h), pinned, "", unix.MS_BIND, ""))
	t.Cleanup(func() { unix.Unmount(pinned, unix.MNT_DETACH) })

	join := func(id, path string, hostID uint32) string {
		return e.bundle(id, func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace, Path: path})
			s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: hostID, Size: 65536}}
			s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
			s.Process.Args = []string{"cat", "/proc/self/uid_map"}
		})
	}
	for _, path := range []string{fmt.Sprintf("/proc/%d/ns/user", h), pinned} {
		id := "ok" + fmt.Sprint(len(path))
		r := e.run("run", "--bundle", join(id, path, 100000), id)
		if r.code != 0 {
			t.Fatalf("%s with matching mappings: exit %d, %q", path, r.code, r.stderr)
		}
		if f := strings.Fields(r.stdout); len(f) != 3 || f[1] != "100000" {
			t.Errorf("%s: the container's uid_map is %q, want the holder's 0 100000 65536", path, r.stdout)
		}
		if !strings.Contains(r.stderr, "matching userns mapping") {
			t.Errorf("%s: no warning on stderr: %q", path, r.stderr)
		}
	}
	r := e.run("run", "--bundle", join("bad", pinned, 200000), "bad")
	if r.code != 1 || !strings.Contains(r.stderr, "non-matching mapping") || !strings.Contains(r.stderr, "linux.uidMappings") {
		t.Fatalf("mismatched mappings: exit %d, %q", r.code, r.stderr)
	}
	e.checkNothingLeft("bad", "bad")

	// containerd pins a pod's user namespace and no process need be in it
	// (NamespaceMode_POD in critest): the mappings are still compared.
	must(t, unix.Kill(h, unix.SIGKILL))
	// Reaped here (a zombie still answers for its user namespace); the
	// holder's own cleanup then finds nothing to wait for.
	var ws unix.WaitStatus
	unix.Wait4(h, &ws, 0, nil)
	r = e.run("run", "--bundle", join("empty", pinned, 100000), "empty")
	if f := strings.Fields(r.stdout); r.code != 0 || len(f) != 3 || f[1] != "100000" {
		t.Fatalf("pinned user namespace without a process: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = e.run("run", "--bundle", join("emptybad", pinned, 200000), "emptybad")
	if r.code != 1 || !strings.Contains(r.stderr, "non-matching mapping") {
		t.Fatalf("pinned user namespace without a process, mismatched mappings: exit %d, %q", r.code, r.stderr)
	}
}
