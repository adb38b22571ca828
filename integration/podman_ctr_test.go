package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// miniRootfs writes a busybox root filesystem for clients that take one.
func miniRootfs(t *testing.T, dir string) string {
	t.Helper()
	root := filepath.Join(dir, "rootfs")
	for _, sub := range []string{"bin", "etc", "tmp", "proc", "sys", "dev"} {
		must(t, os.MkdirAll(filepath.Join(root, sub), 0o755))
	}
	copyFile(t, busybox, filepath.Join(root, "bin/busybox"), 0o755)
	for _, a := range []string{"sh", "echo", "id", "cat", "sleep", "grep", "readlink"} {
		os.Symlink("busybox", filepath.Join(root, "bin", a))
	}
	os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0:root:/root:/bin/sh\n"), 0o644)
	return root
}

func TestPodmanRunsWithMinirun(t *testing.T) {
	requireTool(t, "podman", "podman")
	dir, err := os.MkdirTemp("", "minirun-podman-")
	must(t, err)
	conf := filepath.Join(dir, "containers.conf")
	store := filepath.Join(dir, "storage.conf")
	os.WriteFile(conf, []byte("[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n[containers]\nnetns = \"none\"\ndefault_ulimits = []\n"), 0o644)
	os.WriteFile(store, []byte(fmt.Sprintf("[storage]\ndriver = \"overlay\"\nrunroot = %q\ngraphroot = %q\n", dir+"/run", dir+"/graph")), 0o644)
	env := append(os.Environ(), "CONTAINERS_CONF="+conf, "CONTAINERS_STORAGE_CONF="+store)
	podman := func(args ...string) (string, int) {
		cmd := exec.Command("podman", append([]string{"--runtime", minirun}, args...)...)
		cmd.Env = env
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	t.Cleanup(func() {
		podman("rm", "-f", "-a")
		cmd := exec.Command("podman", "system", "reset", "-f")
		cmd.Env = env
		cmd.Run()
		cleanDir(dir)
		removeCgroupTree("/minirun-it-podman")
	})
	root := miniRootfs(t, dir)
	if out, err := exec.Command("sh", "-c", fmt.Sprintf("tar -C %s -c . | CONTAINERS_CONF=%s CONTAINERS_STORAGE_CONF=%s podman import - bb", root, conf, store)).CombinedOutput(); err != nil {
		t.Fatalf("podman import: %v %s", err, out)
	}
	cg := []string{"--cgroup-parent", "/minirun-it-podman"}
	if out, code := podman(append(append([]string{"run", "--rm"}, cg...), "bb", "sh", "-c", "echo hi; exit 4")...); code != 4 || !strings.Contains(out, "hi") {
		t.Errorf("run: exit %d %q", code, out)
	}
	out, code := podman(append(append([]string{"run", "--rm", "--uidmap", "0:100000:65536", "--gidmap", "0:100000:65536"}, cg...), "bb", "cat", "/proc/self/uid_map")...)
	if code != 0 || !strings.Contains(strings.Join(strings.Fields(out), " "), "0 100000 65536") {
		t.Errorf("--uidmap: exit %d %q", code, out)
	}
	if out, code := podman(append(append([]string{"run", "-d", "--name", "p1"}, cg...), "bb", "sleep", "100")...); code != 0 {
		t.Fatalf("run -d: %s", out)
	}
	for _, step := range [][]string{{"exec", "p1", "echo", "ok"}, {"stop", "-t", "1", "p1"}, {"rm", "p1"}} {
		if out, code := podman(step...); code != 0 {
			t.Errorf("podman %v: exit %d %s", step, code, out)
		}
	}
	// A pod: its infra container (catatonit) and members share a network namespace.
	if out, code := podman(append([]string{"pod", "create", "--name", "pd"}, cg...)...); code != 0 {
		if _, err := exec.LookPath("catatonit"); err != nil {
			t.Skipf("podman pod needs catatonit for its local pause image (apt-get install catatonit): %s", out)
		}
		t.Fatalf("pod create: %s", out)
	}
	if out, code := podman("run", "-d", "--pod", "pd", "--name", "m1", "bb", "sleep", "100"); code != 0 {
		t.Fatalf("pod member: %s", out)
	}
	n1, _ := podman("exec", "m1", "readlink", "/proc/self/ns/net")
	n2, code := podman("run", "--rm", "--pod", "pd", "bb", "readlink", "/proc/self/ns/net")
	if code != 0 || strings.TrimSpace(n1) != strings.TrimSpace(n2) || !strings.HasPrefix(n1, "net:") {
		t.Errorf("pod members in net namespaces %q and %q", n1, n2)
	}
	if out, code := podman("pod", "rm", "-f", "pd"); code != 0 {
		t.Errorf("pod rm -f: exit %d %s", code, out)
	}
	// Nothing of the pod may outlive it (an infra container once did).
	if pids := podmanCgroupProcs(); len(pids) > 0 {
		t.Errorf("processes left in /minirun-it-podman after pod rm -f: %v", pids)
	}
}

// podmanCgroupProcs lists the processes anywhere under the test's cgroup parent.
func podmanCgroupProcs() []string {
	var pids []string
	filepath.WalkDir("/sys/fs/cgroup/pids/minirun-it-podman", func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "cgroup.procs" {
			b, _ := os.ReadFile(path)
			pids = append(pids, strings.Fields(string(b))...)
		}
		return nil
	})
	return pids
}

func TestContainerdCtrRunsWithMinirun(t *testing.T) {
	requireTool(t, "containerd", "containerd")
	dir, err := os.MkdirTemp("", "minirun-containerd-")
	must(t, err)
	sock := filepath.Join(dir, "containerd.sock")
	conf := filepath.Join(dir, "config.toml")
	os.WriteFile(conf, []byte(fmt.Sprintf("version = 2\nroot = %q\nstate = %q\n[grpc]\n  address = %q\n[ttrpc]\n  address = %q\n[debug]\n  address = %q\n[metrics]\n  address = \"\"\n",
		dir+"/root", dir+"/state", sock, sock+".ttrpc", dir+"/debug.sock")), 0o644)
	d := startDaemon(t, dir, "containerd", "--config", conf)
	t.Cleanup(func() {
		d.stop()
		removeEmptyParents("/minirun-it-ctr")
	})
	ctr := func(args ...string) (string, int) {
		cmd := exec.Command("ctr", append([]string{"--address", sock}, args...)...)
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	waitFor(t, "containerd", func() bool { _, code := ctr("version"); return code == 0 })
	root := miniRootfs(t, dir)
	out, code := ctr("run", "--rm", "--runc-binary", minirun, "--runc-root", filepath.Join(dir, "runc-root"),
		"--cgroup", "/minirun-it-ctr/t1", "--rootfs", root, "t1", "sh", "-c", "echo from-ctr; grep CapEff /proc/self/status; exit 5")
	if code != 5 || !strings.Contains(out, "from-ctr") || !strings.Contains(out, "00000000a80425fb") {
		t.Fatalf("ctr run: exit %d %q", code, out)
	}
	// A detached task with a child process: kill --all reaches both.
	if out, code := ctr("run", "-d", "--runc-binary", minirun, "--runc-root", filepath.Join(dir, "runc-root"),
		"--cgroup", "/minirun-it-ctr/t2", "--rootfs", root, "t2", "sh", "-c", "sleep 1000 & sleep 1000"); code != 0 {
		t.Fatalf("ctr run -d: %s", out)
	}
	if out, code := ctr("task", "metrics", "t2"); code != 0 || !strings.Contains(out, "pids") {
		t.Errorf("ctr task metrics: exit %d %q", code, out)
	}
	if out, code := ctr("task", "kill", "--all", "-s", "SIGKILL", "t2"); code != 0 {
		t.Fatalf("ctr task kill --all: %s", out)
	}
	waitFor(t, "the task to stop", func() bool { out, _ := ctr("task", "ls"); return !strings.Contains(out, "RUNNING") })
	ctr("task", "delete", "t2")
	ctr("container", "delete", "t2")
}
