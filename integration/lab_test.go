package integration

// TestLab runs every "sh lab" block of every page under docs/lab/ (the markup
// is described at the top of labdoc_test.go) and checks the output the page
// promises, so the lab cannot drift from what minirun does.
//
// Each page runs in its own world, as a student would from a clean clone:
// one bash, started in a directory that looks like the clone (its entries
// link to the repository's) whose bin/minirun is the binary under test with
// the page's own --root; TMPDIR is the page's temp dir, so `mktemp -d` lands
// there; MINIRUN_LAB_CGROUP gives docs/lab/bundle.sh the page's own cgroup
// prefix. After each page the test fails on anything left on the host: a
// container in the state root, a cgroup under the prefix, a mount or a
// process rooted under the page's temp dir.

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const labBlockTimeout = 45 * time.Second

func TestLab(t *testing.T) {
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
	for _, tool := range []string{"jq", "capsh", "apparmor_parser", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the lab needs %s (scripts/demo.sh installs jq; libcap2-bin has capsh)", tool)
		}
	}
	pages, err := filepath.Glob("../docs/lab/*.md")
	must(t, err)
	if len(pages) == 0 {
		t.Fatal("no pages under docs/lab")
	}
	sort.Strings(pages)
	for _, page := range pages {
		page := page
		t.Run(strings.TrimSuffix(filepath.Base(page), ".md"), func(t *testing.T) {
			blocks, err := parseLab(page)
			must(t, err)
			if len(blocks) == 0 {
				t.Skipf("%s has no \"sh lab\" block", page)
			}
			runLabPage(t, page, blocks)
		})
	}
}

// labShell is one page's bash: blocks go in on stdin, output comes back on
// one pipe until a marker line with the block's exit status.
type labShell struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan string // closed at EOF
}

func runLabPage(t *testing.T, page string, blocks []labBlock) {
	w := newLabWorld(t)
	sh := w.startShell(t)
	for _, b := range blocks {
		out, status, err := sh.run(b.script)
		where := fmt.Sprintf("%s: %s", page, b.name())
		if err != nil {
			t.Fatalf("%s: %v\noutput:\n%s", where, err, out)
		}
		if strings.Contains(out, "command not found") {
			t.Fatalf("%s: a command is missing:\n%s", where, out)
		}
		if status != 0 {
			t.Fatalf("%s: exit status %d\noutput:\n%s", where, status, out)
		}
		if miss := missingLine(out, b.expect); miss != "" {
			t.Fatalf("%s: expected line %q not in the output (in order):\n%s", where, miss, out)
		}
	}
}

// labWorld is the clone-like directory, state root and cgroup prefix of a page.
type labWorld struct {
	dir, clone, root, tmp, cgroup string
}

func newLabWorld(t *testing.T) *labWorld {
	dir := t.TempDir()
	// A mapped container root must be able to reach bundles under it.
	for _, d := range []string{dir, filepath.Dir(dir)} {
		must(t, os.Chmod(d, 0o755))
	}
	repo, err := filepath.Abs("..")
	must(t, err)
	w := &labWorld{dir: dir, clone: filepath.Join(dir, "clone"), root: filepath.Join(dir, "state"),
		tmp: filepath.Join(dir, "tmp"), cgroup: fmt.Sprintf("/minirun-labtest/%s-%d", sanitize(t.Name()), time.Now().UnixNano()%1e9)}
	for _, d := range []string{w.clone + "/bin", w.tmp} {
		must(t, os.MkdirAll(d, 0o755))
	}
	ents, err := os.ReadDir(repo)
	must(t, err)
	for _, e := range ents {
		if e.Name() != "bin" {
			must(t, os.Symlink(filepath.Join(repo, e.Name()), filepath.Join(w.clone, e.Name())))
		}
	}
	wrapper := fmt.Sprintf("#!/bin/sh\nexec %q --root %q \"$@\"\n", minirun, w.root)
	must(t, os.WriteFile(filepath.Join(w.clone, "bin/minirun"), []byte(wrapper), 0o755))
	t.Cleanup(func() { w.cleanup(t) })
	return w
}

func (w *labWorld) startShell(t *testing.T) *labShell {
	cmd := exec.Command("bash", "--noprofile", "--norc")
	cmd.Dir = w.clone
	cmd.Env = append(os.Environ(), "TMPDIR="+w.tmp, "MINIRUN_LAB_CGROUP="+w.cgroup,
		"PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	in, err := cmd.StdinPipe()
	must(t, err)
	r, wr, err := os.Pipe()
	must(t, err)
	cmd.Stdout, cmd.Stderr = wr, wr
	must(t, cmd.Start())
	wr.Close()
	sh := &labShell{cmd: cmd, in: in, lines: make(chan string, 1024)}
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			sh.lines <- sc.Text()
		}
		close(sh.lines)
		r.Close()
	}()
	t.Cleanup(func() {
		in.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
			t.Errorf("the page's shell did not exit")
		}
	})
	return sh
}

// run feeds one block to the shell and returns what it printed and the
// exit status of its last command.
func (sh *labShell) run(script string) (string, int, error) {
	tok := make([]byte, 8)
	rand.Read(tok)
	marker := "@@lab-" + hex.EncodeToString(tok)
	// stdin from /dev/null: a command must never read the rest of the page.
	fmt.Fprintf(sh.in, "{\n%s\n} </dev/null 2>&1; echo \"%s $?\"\n", script, marker)
	var out strings.Builder
	deadline := time.After(labBlockTimeout)
	for {
		select {
		case line, ok := <-sh.lines:
			if !ok {
				return out.String(), -1, fmt.Errorf("the shell exited")
			}
			if rest, found := strings.CutPrefix(line, marker+" "); found {
				status, err := strconv.Atoi(rest)
				return out.String(), status, err
			}
			out.WriteString(line + "\n")
		case <-deadline:
			return out.String(), -1, fmt.Errorf("timed out after %v", labBlockTimeout)
		}
	}
}

// cleanup fails on, then removes, whatever the page left on the host.
func (w *labWorld) cleanup(t *testing.T) {
	out, _ := exec.Command(minirun, "--root", w.root, "list", "-q").Output()
	for _, id := range strings.Fields(string(out)) {
		t.Errorf("container left running: %s (the page must delete it)", id)
		exec.Command(minirun, "--root", w.root, "delete", "--force", id).Run()
	}
	for _, pid := range processesUnder(w.dir) {
		t.Errorf("process %d left with its root or cwd under %s", pid, w.dir)
		syscall.Kill(pid, syscall.SIGKILL)
	}
	for _, d := range cgroupDirs(w.cgroup) {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("cgroup left behind: %s", d)
			removeCgroupTree(w.cgroup)
		}
	}
	removeEmptyParents("/minirun-labtest")
	if mi, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(mi), w.dir) {
		t.Errorf("mounts left behind under %s", w.dir)
	}
}

// processesUnder lists the processes whose root or cwd is under dir.
func processesUnder(dir string) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		for _, link := range []string{"root", "cwd"} {
			if p, err := os.Readlink(fmt.Sprintf("/proc/%d/%s", pid, link)); err == nil && strings.HasPrefix(p, dir+"/") {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}
