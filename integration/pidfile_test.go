package integration

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// plantSymlinks puts a symlink to a host canary at the pid file path and
// at the temp name the old writer used (".NAME.tmp"), returning the canaries.
func plantSymlinks(t *testing.T, dir, name string) (atPath, atTmp string) {
	t.Helper()
	atPath, atTmp = filepath.Join(dir, name+".canary-path"), filepath.Join(dir, name+".canary-tmp")
	for _, c := range []string{atPath, atTmp} {
		must(t, os.WriteFile(c, []byte("canary"), 0o644))
	}
	must(t, os.Symlink(atTmp, filepath.Join(dir, "."+name+".tmp")))
	must(t, os.Symlink(atPath, filepath.Join(dir, name)))
	return atPath, atTmp
}

// checkPidFile wants a regular file holding pid and untouched canaries.
func checkPidFile(t *testing.T, path string, pid int, canaries ...string) {
	t.Helper()
	for _, c := range canaries {
		if b, err := os.ReadFile(c); err != nil || string(b) != "canary" {
			t.Errorf("canary %s: %q %v: the pid file writer followed a symlink", c, b, err)
		}
	}
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("pid file %s: %v %v, want a regular file", path, fi, err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != strconv.Itoa(pid) {
		t.Errorf("pid file holds %q, want %d", b, pid)
	}
}

// The pid file's directory may be writable by someone else (a shim's
// work dir): planted symlinks are replaced, never written through.
func TestPidFileDoesNotFollowSymlinks(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(e.dir, "pids")
	must(t, os.Mkdir(dir, 0o755))
	b := e.bundle("c", nil)
	path, tmp := plantSymlinks(t, dir, "create.pid")
	e.ok("create", "--bundle", b, "--pid-file", filepath.Join(dir, "create.pid"), "c")
	checkPidFile(t, filepath.Join(dir, "create.pid"), e.pid("c"), path, tmp)

	path, tmp = plantSymlinks(t, dir, "exec.pid")
	e.ok("exec", "-d", "--pid-file", filepath.Join(dir, "exec.pid"), "c", "sleep", "100")
	b2, _ := os.ReadFile(filepath.Join(dir, "exec.pid"))
	pid, _ := strconv.Atoi(string(b2))
	cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if string(cmdline) != "sleep\x00100\x00" {
		t.Errorf("exec pid file names %d running %q", pid, cmdline)
	}
	checkPidFile(t, filepath.Join(dir, "exec.pid"), pid, path, tmp)
	ents, _ := os.ReadDir(dir)
	if len(ents) != 8 { // per pid file: itself, two canaries, the planted temp name
		var names []string
		for _, d := range ents {
			names = append(names, d.Name())
		}
		t.Errorf("pid file dir holds %v: a temp file was left behind", names)
	}
	e.ok("delete", "--force", "c")
	if _, err := os.Stat(filepath.Join(e.root, "c")); err == nil {
		t.Error("state dir left behind")
	}
}
