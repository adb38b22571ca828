package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// On cgroup v2 a rootless container uses a subtree delegated to the user
// (chowned as systemd's Delegate= does: the directory, cgroup.procs,
// cgroup.subtree_control, cgroup.threads), with minirun started inside
// it, since moving a process needs write access to the common ancestor.
// A pids limit there holds a fork bomb. Runs in `make vmtest`.
func TestV2RootlessDelegatedSubtree(t *testing.T) {
	if !cgroupV2() {
		t.Skip("cgroup v2 test (the VM of make vmtest runs it)")
	}
	u := newUIDUser(t, 4242)
	top := filepath.Join("/sys/fs/cgroup", "minirun-v2rl")
	must(t, os.Mkdir(top, 0o755))
	u.cgroups = append(u.cgroups, top)
	must(t, os.WriteFile(filepath.Join(top, "cgroup.subtree_control"), []byte("+pids"), 0))
	runner := filepath.Join(top, "runner")
	must(t, os.Mkdir(runner, 0o755))
	for _, d := range []string{top, runner} {
		for _, f := range []string{"", "cgroup.procs", "cgroup.subtree_control", "cgroup.threads"} {
			must(t, os.Chown(filepath.Join(d, f), u.uid, u.gid))
		}
	}
	limit := int64(16)
	b := u.bundle("b", func(s *specs.Spec) {
		s.Process.Terminal = false
		s.Linux.CgroupsPath = "/minirun-v2rl/c1"
		s.Linux.Resources = &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: &limit}}
		s.Process.Args = []string{"sh", "-c", "(while :; do sleep 300 & done) 2>/dev/null; exec sleep 300"}
	})
	inRunner := func(args ...string) result {
		f, err := os.Open(runner)
		must(t, err)
		defer f.Close()
		cmd := u.minirunCmd(args...)
		cmd.SysProcAttr.UseCgroupFD, cmd.SysProcAttr.CgroupFD = true, int(f.Fd())
		return (&env{t: t, dir: u.dir}).runCmd(cmd, args)
	}
	if r := inRunner("run", "-d", "--bundle", b, "v1"); r.code != 0 {
		t.Fatalf("run -d as uid %d in a delegated subtree: exit %d %s %s", u.uid, r.code, r.stdout, r.stderr)
	}
	c1 := filepath.Join(top, "c1")
	waitFor(t, "the fork bomb to hit pids.max", func() bool {
		e, _ := os.ReadFile(filepath.Join(c1, "pids.events"))
		return strings.Contains(string(e), "max ") && !strings.Contains(string(e), "max 0")
	})
	if max, _ := os.ReadFile(filepath.Join(c1, "pids.max")); strings.TrimSpace(string(max)) != "16" {
		t.Errorf("pids.max %q, want 16", max)
	}
	if r := inRunner("delete", "--force", "v1"); r.code != 0 {
		t.Errorf("delete --force: exit %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(c1); err == nil {
		t.Errorf("cgroup %s left behind", c1)
	}
}
