package integration

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dockerd is a private Docker daemon with minirun registered as a runtime.
type dockerd struct {
	*daemon
	t    *testing.T
	sock string
}

func startDockerd(t *testing.T) *dockerd {
	t.Helper()
	requireTool(t, "dockerd", "docker.io")
	dir, err := os.MkdirTemp("", "minirun-dockerd-")
	must(t, err)
	sock := filepath.Join(dir, "docker.sock")
	d := &dockerd{t: t, sock: sock, daemon: startDaemon(t, dir, "dockerd", "--data-root", filepath.Join(dir, "data"),
		"--exec-root", filepath.Join(dir, "exec"), "--pidfile", filepath.Join(dir, "pid"), "-H", "unix://"+sock,
		"--storage-driver", "overlay2", "--bridge=none", "--iptables=false", "--ip6tables=false", "--ip-forward=false",
		"--ip-masq=false", "--cgroup-parent", "/minirun-it-docker", "--add-runtime", "minirun="+minirun)}
	t.Cleanup(func() {
		// Remove the containers a failed test left, before the daemon goes.
		if ids, _ := exec.Command("docker", "-H", "unix://"+sock, "ps", "-aq").Output(); len(ids) > 0 {
			exec.Command("docker", append([]string{"-H", "unix://" + sock, "rm", "-f"}, strings.Fields(string(ids))...)...).Run()
		}
		d.stop()
		removeEmptyParents("/minirun-it-docker")
	})
	waitFor(t, "dockerd to answer", func() bool { return exec.Command("docker", "-H", "unix://"+d.sock, "info").Run() == nil })
	d.importBusybox()
	return d
}

func (d *dockerd) docker(args ...string) (string, int) {
	d.t.Helper()
	cmd := exec.Command("docker", append([]string{"-H", "unix://" + d.sock}, args...)...)
	out, _ := cmd.CombinedOutput()
	return string(out), cmd.ProcessState.ExitCode()
}

func (d *dockerd) importBusybox() {
	img := filepath.Join(d.dir, "img")
	for _, sub := range []string{"bin", "etc", "tmp", "proc", "sys", "dev"} {
		must(d.t, os.MkdirAll(filepath.Join(img, sub), 0o755))
	}
	copyFile(d.t, busybox, filepath.Join(img, "bin/busybox"), 0o755)
	for _, a := range []string{"sh", "echo", "id", "cat", "ls", "sleep", "ps", "touch", "dd", "grep", "tty", "hostname", "mount", "wc", "head", "stat", "mkdir", "readlink"} {
		os.Symlink("busybox", filepath.Join(img, "bin", a))
	}
	os.WriteFile(filepath.Join(img, "etc/passwd"), []byte("root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/tmp:/bin/sh\n"), 0o644)
	out, err := exec.Command("sh", "-c", fmt.Sprintf("tar -C %s -c . | docker -H unix://%s import - bb:latest", img, d.sock)).CombinedOutput()
	if err != nil {
		d.t.Fatalf("docker import: %v %s", err, out)
	}
}

func TestDockerRunsWithMinirun(t *testing.T) {
	d := startDockerd(t)
	run := []string{"run", "--rm", "--runtime", "minirun", "--network", "none"}
	check := func(name string, wantCode int, wantOut string, args ...string) {
		t.Helper()
		out, code := d.docker(append(append([]string{}, run...), args...)...)
		if code != wantCode || !strings.Contains(out, wantOut) {
			t.Errorf("%s: exit %d output %q, want exit %d containing %q", name, code, out, wantCode, wantOut)
		}
	}
	check("output", 0, "hello", "bb", "echo", "hello")
	check("exit code", 3, "", "bb", "sh", "-c", "exit 3")
	check("missing command", 127, "executable file not found", "bb", "nonexistent")
	check("not executable", 126, "permission denied", "bb", "/etc/passwd")
	check("default caps and seccomp", 0, "CapEff:\t00000000a80425fb", "bb", "grep", "-E", "CapEff|Seccomp", "/proc/self/status")
	check("user, read-only, pids, caps", 0, "uid=1000(user) gid=1000", "--user", "1000:1000", "--read-only", "--pids-limit", "50",
		"--cap-drop", "ALL", "bb", "sh", "-c", "id; touch /x 2>/dev/null && echo writable; exit 0")
	check("oom kill", 137, "", "--memory", "16m", "bb", "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1")

	check("terminal", 0, "/dev/pts/0", "-t", "bb", "tty")
	check("--init", 0, "docker-init", "--init", "bb", "ps")
	check("settings", 0, "hh\n1\n1000\n300\nNoNewPrivs:\t1\nSeccomp:\t0\ntmpfs on /scratch", "--hostname", "hh",
		"--sysctl", "net.ipv4.ip_forward=1", "--ulimit", "nofile=1000:2000", "--oom-score-adj", "300", "--tmpfs", "/scratch",
		"--security-opt", "no-new-privileges", "--security-opt", "seccomp=unconfined", "bb", "sh", "-c",
		"hostname; cat /proc/sys/net/ipv4/ip_forward; ulimit -n; cat /proc/self/oom_score_adj; grep -E 'NoNew|Seccomp:' /proc/self/status; mount | grep scratch")
	check("env and workdir", 0, "bar /tmp", "-e", "FOO=bar", "-w", "/tmp", "bb", "sh", "-c", "echo $FOO $(pwd)")
	check("HOME from /etc/passwd and --group-add", 0, "/tmp uid=1000(user) gid=1000 groups=5,1000", "--user", "user", "--group-add", "5",
		"bb", "sh", "-c", "echo $HOME $(id)")
	check("dropped and added capabilities", 0, "CapEff:\t0000000000002000", "--cap-drop", "ALL", "--cap-add", "NET_RAW", "bb", "grep", "CapEff", "/proc/self/status")
	check("pids limit", 0, "50", "--pids-limit", "50", "bb", "cat", "/sys/fs/cgroup/pids/pids.max")
	check("cpu quota, shares, cpuset", 0, "50000\n512\n0", "--cpus", "0.5", "--cpu-shares", "512", "--cpuset-cpus", "0", "bb", "sh", "-c",
		"cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/cpuset/cpuset.cpus")
	profile := filepath.Join(d.dir, "seccomp.json")
	must(t, os.WriteFile(profile, []byte(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}`), 0o644))
	check("custom seccomp profile", 0, "Operation not permitted", "--security-opt", "seccomp="+profile, "bb", "sh", "-c", "mkdir /tmp/x 2>&1; true")
	check("masked paths", 0, "masked", "bb", "sh", "-c", "[ $(head -c 1 /proc/kcore | wc -c) = 0 ] && [ -z \"$(ls /sys/firmware)\" ] && echo masked")
	if out, code := d.docker(append(append([]string{}, run...), "bb", "head", "-c", "4194304", "/dev/zero")...); code != 0 || len(out) != 4<<20 {
		t.Errorf("large output: exit %d, %d bytes", code, len(out))
	}
	hostNet, _ := os.Readlink("/proc/self/ns/net")
	if out, code := d.docker("run", "--rm", "--runtime", "minirun", "--network", "host", "--pid", "host", "bb", "readlink", "/proc/self/ns/net"); code != 0 || strings.TrimSpace(out) != hostNet {
		t.Errorf("host network namespace: exit %d %q, want %s", code, out, hostNet)
	}
	if out, code := d.docker("run", "--name", "oomc", "--runtime", "minirun", "--network", "none", "--memory", "16m", "bb", "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"); code != 137 {
		t.Errorf("oom: exit %d %q", code, out)
	}
	if out, _ := d.docker("inspect", "-f", "{{.State.OOMKilled}}", "oomc"); strings.TrimSpace(out) != "true" {
		t.Errorf("OOMKilled: %q", out)
	}
	d.docker("rm", "oomc")
	for i := 0; i < 10; i++ {
		if out, code := d.docker(append(append([]string{}, run...), "bb", "echo", "seq")...); code != 0 || strings.TrimSpace(out) != "seq" {
			t.Fatalf("run %d in sequence: exit %d %q", i, code, out)
		}
	}
	bind := filepath.Join(d.dir, "bind")
	must(t, os.MkdirAll(bind, 0o755))
	must(t, os.WriteFile(filepath.Join(bind, "f"), []byte("from-host"), 0o644))
	check("bind mount and device", 0, "from-host\ncharacter", "-v", bind+":/data:ro", "--device", "/dev/null:/dev/xnull",
		"bb", "sh", "-c", "cat /data/f; echo; stat -c %F /dev/xnull")
	check("private cgroup namespace", 0, "0::/", "--cgroupns", "private", "bb", "cat", "/proc/self/cgroup")
	// -it needs a terminal on the client side: script(1) gives docker one.
	if _, err := exec.LookPath("script"); err == nil {
		it := exec.Command("script", "-qec", "docker -H unix://"+d.sock+" run -it --rm --runtime minirun --network none bb sh -c 'tty; read x; echo got:$x'", "/dev/null")
		it.Stdin = &slowReader{delay: 2 * time.Second, data: "hello\n"}
		out, err := it.Output()
		if clean := strings.ReplaceAll(string(out), "\r", ""); err != nil || !strings.Contains(clean, "/dev/pts/0") || !strings.Contains(clean, "got:hello") {
			t.Errorf("-it: %q %v", clean, err)
		}
	} else {
		t.Log("skipping -it: script(1) from util-linux is not installed")
	}
	big := strings.Repeat("x", 4<<20)
	cmd := exec.Command("docker", "-H", "unix://"+d.sock, "run", "--rm", "-i", "--runtime", "minirun", "--network", "none", "bb", "wc", "-c")
	cmd.Stdin = strings.NewReader(big)
	if out, err := cmd.Output(); err != nil || strings.TrimSpace(string(out)) != "4194304" {
		t.Errorf("large stdin: %q %v", out, err)
	}

	if out, code := d.docker("run", "-d", "--name", "c1", "--runtime", "minirun", "--network", "none", "--ipc", "shareable", "bb", "sleep", "100"); code != 0 {
		t.Fatalf("run -d: %s", out)
	}
	if out, code := d.docker("run", "--rm", "--runtime", "minirun", "--network", "container:c1", "--pid", "container:c1",
		"--ipc", "container:c1", "bb", "ps"); code != 0 || !strings.Contains(out, "sleep 100") {
		t.Errorf("join net, pid and ipc: exit %d %q", code, out)
	}
	for _, step := range [][]string{{"exec", "c1", "echo", "exec-ok"}, {"exec", "-t", "c1", "tty"}, {"top", "c1"}, {"pause", "c1"},
		{"unpause", "c1"}, {"exec", "-u", "1000", "c1", "id"}, {"update", "--memory", "100m", "--memory-swap", "200m", "c1"},
		{"kill", "-s", "USR1", "c1"}} {
		if out, code := d.docker(step...); code != 0 {
			t.Errorf("docker %v: exit %d %s", step, code, out)
		}
	}
	if _, code := d.docker("exec", "c1", "sh", "-c", "exit 7"); code != 7 {
		t.Errorf("exec exit code %d, want 7", code)
	}
	if out, _ := d.docker("exec", "-e", "X=y", "c1", "sh", "-c", "echo $X; grep -E 'CapEff|Seccomp:' /proc/self/status"); !strings.Contains(out, "y\nCapEff:\t00000000a80425fb\nSeccomp:\t2") {
		t.Errorf("exec env, caps and seccomp: %q", out)
	}
	stdin := exec.Command("docker", "-H", "unix://"+d.sock, "exec", "-i", "c1", "cat")
	stdin.Stdin = strings.NewReader("via-stdin")
	if out, err := stdin.Output(); err != nil || string(out) != "via-stdin" {
		t.Errorf("exec stdin: %q %v", out, err)
	}
	explainDockerContainer(t, d, "c1")
	d.docker("pause", "c1")
	if out, code := d.docker("kill", "c1"); code != 0 {
		t.Errorf("kill of a paused container: %s", out)
	}
	waitFor(t, "the paused container to die", func() bool {
		out, _ := d.docker("inspect", "-f", "{{.State.Status}}", "c1")
		return strings.TrimSpace(out) == "exited"
	})
	d.docker("rm", "-f", "c1")
}

func TestDockerRestartAndParallel(t *testing.T) {
	d := startDockerd(t)
	if out, code := d.docker("run", "-d", "--name", "r1", "--runtime", "minirun", "--network", "none", "--restart", "on-failure:2", "bb", "sh", "-c", "exit 1"); code != 0 {
		t.Fatalf("run: %s", out)
	}
	waitFor(t, "two restarts", func() bool {
		out, _ := d.docker("inspect", "-f", "{{.RestartCount}} {{.State.Status}}", "r1")
		return strings.TrimSpace(out) == "2 exited"
	})
	d.docker("rm", "-f", "r1")
	errs := make(chan string, 6)
	for i := 0; i < 6; i++ {
		go func(i int) {
			out, code := d.docker("run", "--rm", "--runtime", "minirun", "--network", "none", "bb", "echo", fmt.Sprintf("p%d", i))
			if code != 0 || strings.TrimSpace(out) != fmt.Sprintf("p%d", i) {
				errs <- fmt.Sprintf("parallel run %d: exit %d %q", i, code, out)
				return
			}
			errs <- ""
		}(i)
	}
	for i := 0; i < 6; i++ {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

func TestDockerStopSignalLogsWait(t *testing.T) {
	d := startDockerd(t)
	// The trap answers the custom stop signal, so the stop needs no SIGKILL.
	out, code := d.docker("run", "-d", "--name", "s1", "--runtime", "minirun", "--network", "none", "--stop-signal", "SIGUSR1",
		"bb", "sh", "-c", "trap 'echo got-usr1; exit 3' USR1; echo started; while true; do sleep 0.1; done")
	if code != 0 {
		t.Fatalf("run -d: %s", out)
	}
	waitFor(t, "the container to start", func() bool { out, _ := d.docker("logs", "s1"); return strings.Contains(out, "started") })
	start := time.Now()
	if out, code := d.docker("stop", "-t", "10", "s1"); code != 0 {
		t.Fatalf("stop: %s", out)
	}
	if time.Since(start) > 8*time.Second {
		t.Error("stop waited for the timeout: the custom stop signal was not delivered")
	}
	if out, _ := d.docker("wait", "s1"); strings.TrimSpace(out) != "3" {
		t.Errorf("wait: %q, want 3", out)
	}
	if out, _ := d.docker("logs", "s1"); !strings.Contains(out, "got-usr1") {
		t.Errorf("logs: %q", out)
	}
	d.docker("rm", "s1")
}

// slowReader hands out its data after a delay, so a terminal session has
// started before the input arrives.
type slowReader struct {
	delay time.Duration
	data  string
	done  bool
}

func (r *slowReader) Read(p []byte) (int, error) {
	if r.done {
		return 0, io.EOF
	}
	time.Sleep(r.delay)
	r.done = true
	return copy(p, r.data), nil
}

// explainDockerContainer runs `minirun explain` on a container Docker
// started (its config written by Docker, not by minirun's spec), with the
// state root Docker's shim gave minirun.
func explainDockerContainer(t *testing.T, d *dockerd, name string) {
	t.Helper()
	out, _ := d.docker("inspect", "-f", "{{.Id}}", name)
	id := strings.TrimSpace(out)
	var root string
	filepath.WalkDir(filepath.Join(d.dir, "exec"), func(path string, de os.DirEntry, err error) error {
		if err == nil && de.IsDir() && de.Name() == id {
			if _, err := os.Stat(filepath.Join(path, "state.json")); err == nil {
				root = filepath.Dir(path)
				return filepath.SkipAll
			}
		}
		return nil
	})
	if root == "" {
		t.Fatalf("no minirun state dir for %s under %s", id, filepath.Join(d.dir, "exec"))
	}
	text, err := exec.Command(minirun, "--root", root, "explain", id).CombinedOutput()
	// Docker's defaults: no user namespace, its 14 capabilities, its seccomp profile.
	if err != nil || !strings.Contains(string(text), "runs as host root") || !strings.Contains(string(text), "CAP_NET_BIND_SERVICE") ||
		!strings.Contains(string(text), "keyctl") {
		t.Errorf("explain of Docker's %s (root %s): %v\n%s", name, root, err, text)
	}
}
