package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// testUser is an unprivileged account made for one test (useradd) and
// removed after it (userdel -r), with its processes, subuid/subgid lines,
// cgroups and files, even when the test fails.
type testUser struct {
	t        *testing.T
	name     string
	uid, gid int
	dir      string // owned by the user: home, bundles, binaries, state
	minirun  string // a copy the user can execute
	probe    string
	runtime  string // XDG_RUNTIME_DIR
	cgroups  []string
}

// subIDBase is the first subordinate id the test users get; far from
// what useradd hands out (100000...) so no real user's range is touched.
const subIDBase = 3000000

func newTestUser(t *testing.T) *testUser {
	t.Helper()
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
	if _, err := exec.LookPath("useradd"); err != nil {
		t.Skip("useradd is not installed (apt-get install passwd)")
	}
	u := newUserDir(t)
	u.name = fmt.Sprintf("mrt%d", time.Now().UnixNano()%1e6)
	home := filepath.Join(u.dir, "home")
	if out, err := exec.Command("useradd", "-m", "-d", home, "-s", "/bin/sh", "-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0", u.name).CombinedOutput(); err != nil {
		t.Fatalf("useradd: %v %s", err, out)
	}
	pw, err := user.Lookup(u.name)
	must(t, err)
	u.uid, _ = strconv.Atoi(pw.Uid)
	u.gid, _ = strconv.Atoi(pw.Gid)
	u.own()
	return u
}

// newUIDUser is an unprivileged uid with no account (the cgroup v2 VM has
// no useradd): enough for minirun, which needs no passwd entry.
func newUIDUser(t *testing.T, uid int) *testUser {
	t.Helper()
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
	u := newUserDir(t)
	u.uid, u.gid = uid, uid
	must(t, os.Mkdir(filepath.Join(u.dir, "home"), 0o700))
	u.own()
	return u
}

// newAnyUser is a test account where useradd exists, else a bare uid.
func newAnyUser(t *testing.T) *testUser {
	t.Helper()
	if _, err := exec.LookPath("useradd"); err != nil {
		return newUIDUser(t, 4243)
	}
	return newTestUser(t)
}

func newUserDir(t *testing.T) *testUser {
	dir, err := os.MkdirTemp("", "minirun-rl-")
	must(t, err)
	must(t, os.Chmod(dir, 0o755))
	u := &testUser{t: t, dir: dir}
	t.Cleanup(u.cleanup)
	return u
}

// own hands the test's directory to the user, with its state dir and a
// copy of the binaries it can execute.
func (u *testUser) own() {
	t := u.t
	u.runtime = filepath.Join(u.dir, "run")
	must(t, os.Mkdir(u.runtime, 0o700))
	u.minirun = filepath.Join(u.dir, "minirun")
	copyFile(t, minirun, u.minirun, 0o755)
	u.probe = filepath.Join(u.dir, "probe")
	copyFile(t, probeBin, u.probe, 0o755)
	must(t, chownTree(u.dir, u.uid, u.gid))
	must(t, os.Chmod(u.dir, 0o700))
}

// addSubIDs gives the user n subordinate uids and gids.
func (u *testUser) addSubIDs(n int) (base int) {
	u.t.Helper()
	base = subIDBase + (u.uid%1000)*100000
	for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
		fh, err := os.OpenFile(f, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		must(u.t, err)
		fmt.Fprintf(fh, "%s:%d:%d\n", u.name, base, n)
		fh.Close()
	}
	return base
}

// cmd runs name as the user, with the environment a login would give.
func (u *testUser) cmd(name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	c.Dir = u.dir
	c.Env = []string{"HOME=" + filepath.Join(u.dir, "home"), "USER=" + u.name, "LOGNAME=" + u.name,
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "XDG_RUNTIME_DIR=" + u.runtime}
	c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(u.uid), Gid: uint32(u.gid), Groups: []uint32{}}}
	return c
}

// minirunCmd is minirun as the user with its default --root.
func (u *testUser) minirunCmd(args ...string) *exec.Cmd { return u.cmd(u.minirun, args...) }

// run runs minirun as the user, with a timeout.
func (u *testUser) run(args ...string) result {
	u.t.Helper()
	e := &env{t: u.t, dir: u.dir}
	return e.runCmd(u.minirunCmd(args...), args)
}

func (u *testUser) ok(args ...string) string {
	u.t.Helper()
	r := u.run(args...)
	if r.code != 0 {
		u.t.Fatalf("minirun %v as %s: exit %d\nstdout: %s\nstderr: %s", args, u.name, r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// bundle writes a `minirun spec --rootless` bundle (made by the user) with
// busybox and the probe, owned by the user; mutate adjusts the spec.
func (u *testUser) bundle(name string, mutate func(*specs.Spec)) string {
	u.t.Helper()
	b := filepath.Join(u.dir, name)
	rootfs := filepath.Join(b, "rootfs")
	for _, d := range []string{"bin", "proc", "sys", "dev", "etc", "tmp", "root"} {
		must(u.t, os.MkdirAll(filepath.Join(rootfs, d), 0o755))
	}
	copyFile(u.t, busybox, filepath.Join(rootfs, "bin/busybox"), 0o755)
	copyFile(u.t, probeBin, filepath.Join(rootfs, "bin/probe"), 0o755)
	for _, app := range []string{"sh", "ls", "cat", "echo", "id", "sleep", "ps", "grep", "readlink", "true", "mount", "touch", "stat"} {
		os.Symlink("busybox", filepath.Join(rootfs, "bin", app))
	}
	os.WriteFile(filepath.Join(rootfs, "etc/passwd"), []byte("root:x:0:0:root:/root:/bin/sh\n"), 0o644)
	must(u.t, exec.Command("chown", "-R", fmt.Sprintf("%d:%d", u.uid, u.gid), b).Run())
	if out, err := u.cmd(u.minirun, "spec", "--rootless", "-b", b).CombinedOutput(); err != nil {
		u.t.Fatalf("spec --rootless as %s: %v %s", u.name, err, out)
	}
	if mutate != nil {
		s := readSpec(u.t, filepath.Join(b, "config.json"))
		mutate(s)
		writeJSON(u.t, filepath.Join(b, "config.json"), s)
		must(u.t, os.Chown(filepath.Join(b, "config.json"), u.uid, u.gid))
	}
	return b
}

func readSpec(t *testing.T, path string) *specs.Spec {
	t.Helper()
	var s specs.Spec
	b, err := os.ReadFile(path)
	must(t, err)
	must(t, json.Unmarshal(b, &s))
	return &s
}

// delegate makes the cgroup rel in hierarchy ctrl ("" = the unified
// mount) and chowns it to the user, as a delegating manager would; it
// is removed, with anything under it, in cleanup.
func (u *testUser) delegate(ctrl, rel string) string {
	u.t.Helper()
	dir := filepath.Join("/sys/fs/cgroup", ctrl, rel)
	if ctrl == "" {
		dir = filepath.Join("/sys/fs/cgroup/unified", rel)
	}
	must(u.t, os.MkdirAll(dir, 0o755))
	u.cgroups = append(u.cgroups, dir)
	must(u.t, exec.Command("chown", "-R", fmt.Sprintf("%d:%d", u.uid, u.gid), dir).Run())
	return dir
}

func (u *testUser) cleanup() {
	t := u.t
	if u.uid > 0 {
		u.cmd(u.minirun, "list", "-q").Run()
		out, _ := u.cmd(u.minirun, "list", "-q").Output()
		for _, id := range strings.Fields(string(out)) {
			u.cmd(u.minirun, "delete", "--force", id).Run()
		}
		u.killAll()
	}
	for i := len(u.cgroups) - 1; i >= 0; i-- {
		removeTree(u.cgroups[i])
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mi), "\n") {
		if u.dir != "" && strings.Contains(line, u.dir) {
			t.Errorf("mount left behind: %s", line)
		}
	}
	if u.name != "" {
		if out, err := exec.Command("userdel", "-r", "-f", u.name).CombinedOutput(); err != nil {
			t.Errorf("userdel %s: %v %s", u.name, err, out)
		}
	}
	for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
		if u.name != "" {
			dropLinesOf(f, u.name)
		}
	}
	os.RemoveAll(u.dir)
}

// killAll kills every process of the user (only the test made any) and
// fails the test if there were some: a container must not outlive delete.
func (u *testUser) killAll() {
	for try := 0; try < 50; try++ {
		left := u.processes()
		if len(left) == 0 {
			return
		}
		if try == 0 {
			u.t.Errorf("processes of %s left behind: %v", u.name, left)
		}
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (u *testUser) processes() []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		// The status file, not the directory's owner: a non-dumpable
		// process's /proc directory belongs to root.
		status, _ := os.ReadFile("/proc/" + e.Name() + "/status")
		var uid int
		zombie := false
		for _, l := range strings.Split(string(status), "\n") {
			if f := strings.Fields(l); len(f) > 1 && f[0] == "Uid:" {
				uid, _ = strconv.Atoi(f[1])
			} else if len(f) > 1 && f[0] == "State:" {
				zombie = f[1] == "Z"
			}
		}
		if uid == u.uid && !zombie {
			pids = append(pids, pid)
		}
	}
	return pids
}

// removeTree removes a cgroup directory and its children, deepest first.
func removeTree(top string) {
	var dirs []string
	filepath.WalkDir(top, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Remove(dirs[i])
	}
}

func dropLinesOf(file, name string) {
	b, err := os.ReadFile(file)
	if err != nil {
		return
	}
	var keep []string
	for _, l := range strings.SplitAfter(string(b), "\n") {
		if l != "" && !strings.HasPrefix(l, name+":") {
			keep = append(keep, l)
		}
	}
	os.WriteFile(file, []byte(strings.Join(keep, "")), 0o644)
}
