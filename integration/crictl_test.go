package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// criBuildBudget bounds the first build of containerd, crictl and critest
// (about 3 minutes here with a warm module cache); later runs use the cache.
const criBuildBudget = 5 * time.Minute

// criEnv is a private containerd started by scripts/cri/up.sh with minirun
// as its runtime.
type criEnv struct {
	t      *testing.T
	dir    string
	vars   map[string]string
	podDir string
}

// criTools returns the directory of the cached CRI tools, building them
// within criBuildBudget, or the reason they are not available.
func criTools() (string, string) {
	ctx, cancel := context.WithTimeout(context.Background(), criBuildBudget)
	defer cancel()
	cmd := exec.CommandContext(ctx, "../scripts/cri/build.sh")
	// go build's children must die with the script when the budget is spent.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ctx.Err() != nil {
		return "", fmt.Sprintf("building containerd/crictl took over %v (scripts/cri/build.sh; run it once by hand)", criBuildBudget)
	}
	if err != nil {
		return "", fmt.Sprintf("scripts/cri/build.sh failed: %v: %s", err, lastLines(stderr.String(), 5))
	}
	return strings.TrimSpace(string(out)), ""
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

func newCRIEnv(t *testing.T) *criEnv {
	t.Helper()
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
	if _, why := criTools(); why != "" {
		t.Skip(why)
	}
	dir, err := os.MkdirTemp("/var/tmp", "minirun-crictl-")
	must(t, err)
	c := &criEnv{t: t, dir: dir, podDir: filepath.Join(dir, "pod")}
	t.Cleanup(c.down)
	up := exec.Command("../scripts/cri/up.sh", dir, minirun, "minirun")
	if out, err := up.CombinedOutput(); err != nil {
		t.Fatalf("scripts/cri/up.sh: %v\n%s", err, out)
	}
	c.vars = readEnvFile(t, filepath.Join(dir, "env"))
	must(t, os.MkdirAll(c.podDir, 0o755))
	return c
}

func readEnvFile(t *testing.T, path string) map[string]string {
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			vars[k] = v
		}
	}
	return vars
}

// down removes everything and fails the test if the runtime left anything
// that scripts/cri/down.sh had to clean up itself.
func (c *criEnv) down() {
	out, err := exec.Command("../scripts/cri/down.sh", c.dir).CombinedOutput()
	if err != nil {
		c.t.Errorf("scripts/cri/down.sh: %v\n%s", err, out)
	}
	last := lastLines(string(out), 1)
	if last != "cri-down: leftover procs=0 mounts=0 cgroups=0 sockets=0 state=0" {
		c.t.Errorf("left on the host after the pods were removed:\n%s", out)
	}
	if _, err := os.Stat(c.dir); !errors.Is(err, os.ErrNotExist) {
		c.t.Errorf("%s is still there: %v", c.dir, err)
	}
	if c.vars["CRI_CGROUP"] == "" {
		return
	}
	for _, d := range cgroupDirs("/" + c.vars["CRI_CGROUP"]) {
		if _, err := os.Stat(d); err == nil {
			c.t.Errorf("cgroup %s is still there", d)
		}
	}
}

// crictl runs crictl against the private containerd and returns stdout.
func (c *criEnv) crictl(args ...string) string {
	c.t.Helper()
	out, err := c.crictlErr(args...)
	if err != nil {
		c.t.Fatalf("crictl %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func (c *criEnv) crictlErr(args ...string) (string, error) {
	cmd := exec.Command(filepath.Join(c.vars["CRI_BIN"], "crictl"), append([]string{"--config", c.vars["CRICTL_CONFIG"]}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%w: %s", err, lastLines(stderr.String(), 3))
	}
	return strings.TrimSpace(string(out)), nil
}

func (c *criEnv) writeConfig(name string, v any) string {
	p := filepath.Join(c.dir, name)
	writeJSON(c.t, p, v)
	return p
}

// podConfig puts the pod's cgroups below the run's parent cgroup, so down
// can tell whether the runtime removed them.
func (c *criEnv) podConfig(name string, privileged bool) string {
	return c.writeConfig(name+"-pod.json", map[string]any{
		"metadata":      map[string]any{"name": name, "namespace": "minirun-it", "uid": name + "-uid", "attempt": 0},
		"hostname":      name,
		"log_directory": c.podDir,
		"linux": map[string]any{
			"cgroup_parent":    "/" + c.vars["CRI_CGROUP"],
			"security_context": map[string]any{"privileged": privileged},
		},
	})
}

func (c *criEnv) containerConfig(name string, extra map[string]any) string {
	cfg := map[string]any{
		"metadata": map[string]any{"name": name},
		"image":    map[string]any{"image": "registry.k8s.io/e2e-test-images/busybox:1.29-2"},
		"command":  []string{"sh", "-c", "echo hello-from-" + name + "; exec sleep 1000"},
		"log_path": name + ".log",
		"linux":    map[string]any{},
	}
	for k, v := range extra {
		cfg[k] = v
	}
	return c.writeConfig(name+"-ctr.json", cfg)
}

func (c *criEnv) state(id string) string {
	var st struct{ Status struct{ State string } }
	must(c.t, json.Unmarshal([]byte(c.crictl("inspect", "-o", "json", id)), &st))
	return st.Status.State
}

// The lifecycle kubelet drives, through containerd's runc shim with minirun
// as the runtime: runp, create, start, exec, logs, stop, rm, stopp, rmp.
func TestCrictlScenario(t *testing.T) {
	c := newCRIEnv(t)
	podCfg := c.podConfig("scenario", false)
	pod := c.crictl("runp", podCfg)
	ctrCfg := c.containerConfig("c1", nil)
	id := c.crictl("create", pod, ctrCfg, podCfg)
	c.crictl("start", id)
	if st := c.state(id); st != "CONTAINER_RUNNING" {
		t.Fatalf("state after start = %s, want CONTAINER_RUNNING", st)
	}
	if out := c.crictl("exec", id, "hostname"); out != "scenario" {
		t.Errorf("exec hostname = %q, want scenario", out)
	}
	if out := c.crictl("exec", "--sync", id, "sh", "-c", "echo $((6*7))"); out != "42" {
		t.Errorf("exec --sync = %q, want 42", out)
	}
	if _, err := c.crictlErr("exec", "--sync", id, "sh", "-c", "exit 3"); err == nil {
		t.Errorf("exec of a failing command succeeded")
	}
	waitFor(t, "the container's log line", func() bool {
		out, _ := c.crictlErr("logs", id)
		return strings.Contains(out, "hello-from-c1")
	})
	c.crictl("stop", "--timeout", "2", id)
	if st := c.state(id); st != "CONTAINER_EXITED" {
		t.Errorf("state after stop = %s, want CONTAINER_EXITED", st)
	}
	c.crictl("rm", id)
	if out := c.crictl("ps", "-a", "-q", "--pod", pod); out != "" {
		t.Errorf("containers left in the pod after rm: %q", out)
	}
	c.crictl("stopp", pod)
	c.crictl("rmp", pod)
	if out := c.crictl("pods", "-q"); out != "" {
		t.Errorf("pods left after rmp: %q", out)
	}
}

// Kubernetes' HostToContainer (rslave) and Bidirectional (rshared) volumes
// through containerd: a host mount made after start appears inside, and a
// mount made inside a Bidirectional volume appears on the host.
func TestCrictlMountPropagation(t *testing.T) {
	c := newCRIEnv(t)
	slaveSrc, sharedSrc := filepath.Join(c.dir, "slave-src"), filepath.Join(c.dir, "shared-src")
	sharedDir(t, slaveSrc)
	sharedDir(t, sharedSrc)
	podCfg := c.podConfig("propagation", true)
	pod := c.crictl("runp", podCfg)
	ctrCfg := c.containerConfig("vols", map[string]any{
		"mounts": []map[string]any{
			{"container_path": "/slave", "host_path": slaveSrc, "propagation": 1},   // PROPAGATION_HOST_TO_CONTAINER
			{"container_path": "/shared", "host_path": sharedSrc, "propagation": 2}, // PROPAGATION_BIDIRECTIONAL
		},
		// Mounting inside the container needs CAP_SYS_ADMIN.
		"linux": map[string]any{"security_context": map[string]any{"privileged": true}},
	})
	id := c.crictl("create", pod, ctrCfg, podCfg)
	c.crictl("start", id)

	for _, src := range []string{slaveSrc, sharedSrc} {
		sub := filepath.Join(src, "sub")
		must(t, os.MkdirAll(sub, 0o755))
		must(t, syscall.Mount("tmpfs", sub, "tmpfs", 0, "size=1m"))
		t.Cleanup(func() { syscall.Unmount(sub, syscall.MNT_DETACH) })
		must(t, os.WriteFile(filepath.Join(sub, "f"), []byte("from-host"), 0o644))
	}
	for _, dst := range []string{"/slave", "/shared"} {
		out, err := c.crictlErr("exec", "--sync", id, "cat", dst+"/sub/f")
		if err != nil || out != "from-host" {
			t.Errorf("host mount after start not seen at %s/sub: %q, %v", dst, out, err)
		}
	}

	inner := filepath.Join(sharedSrc, "inner")
	must(t, os.MkdirAll(inner, 0o755))
	t.Cleanup(func() { syscall.Unmount(inner, syscall.MNT_DETACH) })
	c.crictl("exec", "--sync", id, "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /shared/inner && echo x > /shared/inner/g")
	if b, err := os.ReadFile(filepath.Join(inner, "g")); err != nil || string(b) != "x\n" {
		t.Errorf("mount made inside the Bidirectional volume not seen on the host: %q, %v", b, err)
	}
	c.crictl("exec", "--sync", id, "umount", "/shared/inner")

	c.crictl("stop", "--timeout", "2", id)
	c.crictl("rm", id)
	c.crictl("stopp", pod)
	c.crictl("rmp", pod)
}
