package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// churnN is how many containers TestChurn cycles: 100 in `make test`,
// MINIRUN_CHURN_N (1000 in `make soak`) otherwise.
func churnN() int {
	if n, err := strconv.Atoi(os.Getenv("MINIRUN_CHURN_N")); err == nil && n > 0 {
		return n
	}
	return 100
}

// churner runs minirun commands of one worker; create runs under GNU time
// for its peak RSS. wait4's own figure would be this test's: Go starts
// children with vfork, and a child's peak counts the parent's pages from
// before its execve.
type churner struct {
	e       *env
	stderr  *os.File
	rssFile string
}

func (c *churner) run(args ...string) (maxRSSKiB int64, err error) {
	argv := append([]string{minirun, "--root", c.e.root}, args...)
	measured := args[0] == "create"
	if measured {
		argv = append([]string{"/usr/bin/time", "-f", "%M", "-o", c.rssFile}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	// Files, not pipes: the container keeps create's stdio open.
	c.stderr.Truncate(0)
	c.stderr.Seek(0, 0)
	cmd.Stderr = c.stderr
	if err := cmd.Run(); err != nil {
		b, _ := os.ReadFile(c.stderr.Name())
		return 0, fmt.Errorf("minirun %v: %v: %s", args, err, b)
	}
	if !measured {
		return 0, nil
	}
	out, err := os.ReadFile(c.rssFile)
	if err != nil {
		return 0, fmt.Errorf("peak RSS of minirun %v: %w", args, err)
	}
	f := strings.Fields(string(out))
	if len(f) == 0 {
		return 0, fmt.Errorf("peak RSS of minirun %v: time wrote %q", args, out)
	}
	return strconv.ParseInt(f[len(f)-1], 10, 64)
}

// cycle is one container's life: create, start, exec, kill, delete. It
// returns create's peak RSS.
func (c *churner) cycle(bundle, id string) (int64, error) {
	rss, err := c.run("create", "--bundle", bundle, id)
	if err != nil {
		return 0, err
	}
	steps := [][]string{{"start", id}, {"exec", id, "true"}, {"kill", id, "KILL"}, {"delete", "--force", id}}
	for _, s := range steps {
		if _, err := c.run(s...); err != nil {
			return 0, err
		}
	}
	return rss, nil
}

// N containers created, started, exec'd into, killed and deleted, 4 at a
// time; then nothing may be left: mounts, cgroups, state dirs, lock files,
// processes, fds of the test process. The runtime must not grow: create's
// peak RSS over the last 10% of cycles vs the first 10%, and a long-lived
// `minirun events` (on a canary container) keeps its fd count and RSS.
func TestChurn(t *testing.T) {
	e := newEnv(t)
	n, workers := churnN(), 4
	fdsBefore := countFds(os.Getpid())
	bundles := make([]string, workers)
	for w := range bundles {
		bundles[w] = e.bundle(fmt.Sprintf("w%d", w), func(s *specs.Spec) {
			s.Process.Args = []string{"sleep", "1000"}
		})
	}
	// The canary lives beside the test's prefix, not in it: the churned
	// containers alone create and remove the shared parent, racing.
	runningSleep(e, "canary", func(s *specs.Spec) { s.Linux.CgroupsPath = e.cgroup + "-canary" })
	events := exec.Command(minirun, "--root", e.root, "events", "--interval", "50ms", "canary")
	must(t, events.Start())
	defer func() { events.Process.Kill(); events.Wait() }()
	time.Sleep(300 * time.Millisecond)
	evFds0, evRSS0 := countFds(events.Process.Pid), rssKiB(events.Process.Pid)

	rss := make([]int64, n)
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			se, err := os.CreateTemp(e.dir, "churn-stderr")
			if err != nil {
				errs <- err
				return
			}
			defer se.Close()
			c := &churner{e: e, stderr: se, rssFile: fmt.Sprintf("%s/churn-rss-%d", e.dir, w)}
			for i := w; i < n; i += workers {
				id := fmt.Sprintf("churn-%d", i)
				b := bundles[w]
				setCgroup(t, b, e.cgroup+"/"+id)
				if rss[i], err = c.cycle(b, id); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	evFds1, evRSS1 := countFds(events.Process.Pid), rssKiB(events.Process.Pid)
	e.ok("delete", "--force", "canary")
	events.Wait()

	tenth := max(n/10, 1)
	first, last := median(rss[:tenth]), median(rss[n-tenth:])
	t.Logf("churn: %d containers, %d workers, %v (%.1f/s); create maxrss median first 10%% %d KiB, last 10%% %d KiB; events fds %d -> %d, rss %d -> %d KiB",
		n, workers, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), first, last, evFds0, evFds1, evRSS0, evRSS1)
	if first < 1024 || first > 64<<10 {
		t.Errorf("create's peak RSS %d KiB is not a minirun's (1 MiB to 64 MiB)", first)
	}
	if last > first+first/5 {
		t.Errorf("create's peak RSS grew from %d to %d KiB", first, last)
	}
	if evFds1 > evFds0 {
		t.Errorf("the events process's fds grew from %d to %d", evFds0, evFds1)
	}
	if evRSS1 > evRSS0*2 && evRSS1-evRSS0 > 4096 {
		t.Errorf("the events process's RSS grew from %d to %d KiB", evRSS0, evRSS1)
	}
	checkChurnLeaks(t, e, fdsBefore)
}

// setCgroup points the worker's bundle (shared by its sequential cycles)
// at the next container's own cgroup.
func setCgroup(t *testing.T, bundle, path string) {
	t.Helper()
	cfg := filepath.Join(bundle, "config.json")
	b, err := os.ReadFile(cfg)
	must(t, err)
	var s specs.Spec
	must(t, json.Unmarshal(b, &s))
	s.Linux.CgroupsPath = path
	writeJSON(t, cfg, &s)
}

// checkChurnLeaks fails on anything the churn left on the host.
func checkChurnLeaks(t *testing.T, e *env, fdsBefore int) {
	t.Helper()
	ents, _ := os.ReadDir(e.root)
	for _, ent := range ents {
		if ent.Name() == "@locks" {
			locks, _ := os.ReadDir(filepath.Join(e.root, ent.Name()))
			for _, l := range locks {
				if l.Name() != "@cgroups" { // the root-wide cgroup lock stays
					t.Errorf("lock file left: %s", l.Name())
				}
			}
			continue
		}
		t.Errorf("state root entry left: %s", ent.Name())
	}
	for _, d := range cgroupDirs(e.cgroup) {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("cgroup left: %s", d)
		}
	}
	if p := e.processes(); len(p) > 0 {
		t.Errorf("processes left: %v", p)
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mi), e.dir) {
		t.Errorf("mounts left under %s", e.dir)
	}
	if after := countFds(os.Getpid()); after > fdsBefore {
		t.Errorf("the test process's fds grew from %d to %d", fdsBefore, after)
	}
}

func countFds(pid int) int {
	ents, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	return len(ents)
}

func rssKiB(pid int) int64 {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

func median(v []int64) int64 {
	s := append([]int64{}, v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
