package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// requireTool skips the test, saying why, unless it can run containers
// and bin (from Debian package pkg) is installed.
func requireTool(t *testing.T, bin, pkg string) {
	t.Helper()
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
	if _, err := exec.LookPath(bin); err != nil {
		t.Skipf("%s is not installed (apt-get install %s)", bin, pkg)
	}
}

// daemon is a client daemon (dockerd, containerd) a test runs in its own
// directory, logging to dir/daemon.log.
type daemon struct {
	dir string
	cmd *exec.Cmd
}

func startDaemon(t *testing.T, dir string, args ...string) *daemon {
	t.Helper()
	d := &daemon{dir: dir, cmd: exec.Command(args[0], args[1:]...)}
	log, err := os.Create(filepath.Join(dir, "daemon.log"))
	must(t, err)
	d.cmd.Stdout, d.cmd.Stderr = log, log
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	must(t, d.cmd.Start())
	return d
}

// stop ends the daemon (its whole process group if it does not stop in
// time), then removes what it left: see cleanDir.
func (d *daemon) stop() {
	d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	cleanDir(d.dir)
}

// cleanDir removes a client's directory and what still uses it: processes
// naming it (a containerd shim, conmon, which outlive their daemon) and
// mounts under it.
func cleanDir(dir string) {
	killProcessesMentioning(dir)
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mi), "\n") {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], dir) {
			syscall.Unmount(f[4], syscall.MNT_DETACH)
		}
	}
	os.RemoveAll(dir)
}
