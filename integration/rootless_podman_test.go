package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Rootless podman with minirun as its runtime: a test user with
// subordinate ids, storage in its home, cgroupfs, no network, and a
// busybox image imported offline. podman runs the runtime as root of
// its own user namespace (0 -> the user, 1.. -> the subordinate ids).
func TestRootlessPodmanRunAndExec(t *testing.T) {
	requireTool(t, "podman", "podman")
	requireTool(t, "newuidmap", "uidmap")
	u := newTestUser(t)
	base := u.addSubIDs(65536)
	home := filepath.Join(u.dir, "home")
	conf := filepath.Join(home, ".config/containers")
	must(t, os.MkdirAll(conf, 0o755))
	os.WriteFile(filepath.Join(conf, "containers.conf"), []byte("[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n[containers]\nnetns = \"none\"\ndefault_ulimits = []\n"), 0o644)
	must(t, chownTree(filepath.Join(home, ".config"), u.uid, u.gid))
	podman := func(args ...string) (string, int) {
		cmd := u.cmd("podman", append([]string{"--runtime", u.minirun}, args...)...)
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	t.Cleanup(func() {
		podman("rm", "-f", "-a")
		podman("system", "reset", "-f")
	})
	root := miniRootfs(t, u.dir)
	must(t, chownTree(root, u.uid, u.gid))
	imp := u.cmd("sh", "-c", fmt.Sprintf("tar -C %s -c . | podman import - bb", root))
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("podman import as %s: %v %s", u.name, err, out)
	}
	out, code := podman("run", "--rm", "bb", "sh", "-c", "id; cat /proc/self/uid_map")
	want := fmt.Sprintf("uid=0(root) gid=0 0 %d 1 1 %d 65536", u.uid, base)
	if code != 0 || fields(out) != want {
		t.Errorf("podman run: exit %d %q, want %q", code, out, want)
	}
	if out, code := podman("run", "-d", "--name", "p1", "bb", "sleep", "100"); code != 0 {
		t.Fatalf("podman run -d: exit %d %s", code, out)
	}
	if out, code := podman("exec", "p1", "id", "-u"); code != 0 || strings.TrimSpace(out) != "0" {
		t.Errorf("podman exec: exit %d %q", code, out)
	}
	for _, step := range [][]string{{"kill", "p1"}, {"rm", "-f", "p1"}} {
		if out, code := podman(step...); code != 0 {
			t.Errorf("podman %v: exit %d %s", step, code, out)
		}
	}
}

func chownTree(dir string, uid, gid int) error {
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}
