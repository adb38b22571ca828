package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// runFault runs minirun with the test-only fault knob set (pkg/fault) and
// fails the test if it does not finish within limit: a hang is the bug.
func (e *env) runFault(fault string, limit time.Duration, args ...string) result {
	e.t.Helper()
	cmd := exec.Command(minirun, append([]string{"--root", e.root}, args...)...)
	cmd.Env = append(os.Environ(), "_MINIRUN_TEST_FAULT="+fault)
	return e.runLimited(cmd, limit, args)
}

// runLimited is runCmd with a caller's time limit.
func (e *env) runLimited(cmd *exec.Cmd, limit time.Duration, args []string) result {
	e.t.Helper()
	so, err := os.CreateTemp(e.dir, "stdout")
	must(e.t, err)
	se, err := os.CreateTemp(e.dir, "stderr")
	must(e.t, err)
	defer func() { so.Close(); se.Close(); os.Remove(so.Name()); os.Remove(se.Name()) }()
	cmd.Stdout, cmd.Stderr = so, se
	must(e.t, cmd.Start())
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		e.t.Fatalf("minirun %v hung for %v", args, limit)
	}
	outB, _ := os.ReadFile(so.Name())
	errB, _ := os.ReadFile(se.Name())
	return result{cmd.ProcessState.ExitCode(), string(outB), string(errB)}
}

// checkHostClean fails on anything of container id left on the host: its
// state dir, a cgroup directory in any hierarchy, a process in one of the
// test's cgroups, a mount under the test's bundles. Processes found are
// the test's own containers, and are killed after the report.
func (e *env) checkHostClean(id string) {
	e.t.Helper()
	if _, err := os.Stat(filepath.Join(e.root, id)); err == nil {
		e.t.Errorf("state dir of %s left behind", id)
	}
	if _, err := os.Stat(filepath.Join(e.root, "@locks", id)); err == nil {
		e.t.Errorf("lock file of %s left behind", id)
	}
	for _, d := range cgroupDirs(e.cgroup + "/" + id) {
		if _, err := os.Stat(d); err == nil {
			e.t.Errorf("cgroup %s left behind", d)
		}
	}
	for _, p := range e.processes() {
		e.t.Errorf("process %d of the test's cgroups left behind", p)
		syscall.Kill(p, syscall.SIGKILL)
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mi), e.dir) {
		e.t.Errorf("mounts left behind under %s", e.dir)
	}
}

// processes lists the pids whose cgroup lies in the test's cgroup prefix.
func (e *env) processes() []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, ent := range ents {
		pid, err := strconv.Atoi(ent.Name())
		if err != nil {
			continue
		}
		b, _ := os.ReadFile("/proc/" + ent.Name() + "/cgroup")
		if strings.Contains(string(b), ":"+e.cgroup+"/") {
			pids = append(pids, pid)
		}
	}
	return pids
}
