// Command bench measures container lifecycle latency and peak RSS of
// minirun next to runc and crun (when installed), in the same run, on the
// same busybox bundle, and prints medians and ratios. Run as root.
//
// It re-executes itself in a private mount namespace without the hybrid
// cgroup2 mount, because crun refuses hybrid hosts; every runtime then sees
// the same cgroup v1 view at no per-call cost.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

var specBin string

// timeBin is GNU time, for peak RSS (package time).
const timeBin = "/usr/bin/time"

// rssKey prefixes the samples of the RSS pass in a runtime's results.
const rssKey = "rss:"

type runtime struct {
	name, bin string
	ociVer    string
}

type sample struct {
	d   time.Duration
	rss int64         // KiB
	cpu time.Duration // user+system of the runtime process
}

func main() {
	minirun := flag.String("minirun", "bin/minirun", "minirun binary")
	n := flag.Int("n", 20, "iterations per operation")
	flag.Parse()
	if os.Getenv("BENCH_IN_NS") == "" {
		reexecPrivate()
		return
	}
	specBin = *minirun
	rts := []runtime{{"minirun", *minirun, ""}}
	for _, c := range []runtime{{"runc", "runc", ""}, {"crun", "crun", "1.0.2"}} {
		if p, err := exec.LookPath(c.bin); err == nil {
			c.bin = p
			rts = append(rts, c)
		}
	}
	busybox, err := exec.LookPath("busybox")
	if err != nil {
		fatal("busybox-static is required")
	}
	dir, err := os.MkdirTemp("", "minirun-bench-")
	if err != nil {
		fatal(err.Error())
	}
	defer os.RemoveAll(dir)
	results := map[string]map[string][]sample{}
	// Interleaved, one lifecycle of each runtime in turn, so a slow spell
	// of the shared machine falls on all of them alike.
	for _, rt := range rts {
		results[rt.name] = map[string][]sample{}
	}
	for i := 0; i <= *n; i++ {
		for _, rt := range rts {
			lifecycle(rt, dir, busybox, i, results[rt.name])
		}
	}
	removeBenchCgroups()
	report(rts, results)
	batchCost(rts, dir, busybox)
	seccompCost(rts, dir, busybox, *n)
	usernsCost(rts, dir, busybox, *n)
	auditCost(*minirun, dir, busybox, min(*n, 10))
}

func reexecPrivate() {
	self, _ := os.Executable()
	script := `mount --make-rprivate / && { umount /sys/fs/cgroup/unified 2>/dev/null || true; } && exec "$0" "$@"`
	cmd := exec.Command("unshare", append([]string{"-m", "sh", "-c", script, self}, os.Args[1:]...)...)
	cmd.Env = append(os.Environ(), "BENCH_IN_NS=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		os.Exit(1)
	}
}

func fatal(msg string) {
	fmt.Fprintln(os.Stderr, "bench:", msg)
	os.Exit(1)
}

// bundle writes a busybox bundle running args.
func bundle(dir, name, busybox, ociVer string, args []string) string {
	return bundleWith(dir, name, busybox, ociVer, args, nil)
}

// bundleWith is bundle with edit applied to the config's "linux" object.
func bundleWith(dir, name, busybox, ociVer string, args []string, edit func(linux map[string]any)) string {
	b := filepath.Join(dir, name)
	rootfs := filepath.Join(b, "rootfs")
	for _, d := range []string{"bin", "proc", "sys", "dev", "tmp"} {
		os.MkdirAll(filepath.Join(rootfs, d), 0o755)
	}
	data, _ := os.ReadFile(busybox)
	os.WriteFile(filepath.Join(rootfs, "bin/busybox"), data, 0o755)
	for _, a := range []string{"sh", "true", "sleep"} {
		os.Symlink("busybox", filepath.Join(rootfs, "bin", a))
	}
	// `minirun spec` writes runc's default config, used for every runtime.
	if out, err := exec.Command(specBin, "spec", "--bundle", b).CombinedOutput(); err != nil {
		fatal("minirun spec: " + string(out))
	}
	var spec map[string]any
	raw, _ := os.ReadFile(filepath.Join(b, "config.json"))
	json.Unmarshal(raw, &spec)
	proc := spec["process"].(map[string]any)
	proc["terminal"] = false
	proc["args"] = args
	linux := spec["linux"].(map[string]any)
	linux["cgroupsPath"] = "/minirun-bench/" + name
	if edit != nil {
		edit(linux)
	}
	if ociVer != "" {
		spec["ociVersion"] = ociVer
	}
	raw, _ = json.Marshal(spec)
	os.WriteFile(filepath.Join(b, "config.json"), raw, 0o644)
	return b
}

// timed runs one runtime command and returns its wall time and peak RSS.
func timed(rt runtime, root string, args ...string) (sample, error) {
	return timedRSS(rt, root, false, args...)
}

// timedRSS with rss set runs the command under GNU time (-f %M) for its
// peak RSS. wait4's own figure cannot be used: Go starts children with
// vfork, so a child's peak counts this (larger) process's pages from
// before its execve. time's child is a fork of a 1 MB process.
func timedRSS(rt runtime, root string, rss bool, args ...string) (sample, error) {
	argv := append([]string{rt.bin, "--root", root}, args...)
	var rssFile string
	if rss {
		f, err := os.CreateTemp("", "bench-rss")
		if err != nil {
			return sample{}, err
		}
		f.Close()
		rssFile = f.Name()
		defer os.Remove(rssFile)
		argv = append([]string{timeBin, "-f", "%M", "-o", rssFile}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	devnull, _ := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	defer devnull.Close()
	// A file, not a pipe: a created container keeps its stdio open.
	stderr, _ := os.CreateTemp("", "bench-stderr")
	defer os.Remove(stderr.Name())
	defer stderr.Close()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, devnull, stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if err != nil {
		msg, _ := os.ReadFile(stderr.Name())
		return sample{}, fmt.Errorf("%s %s: %w: %s", rt.name, strings.Join(args, " "), err, msg)
	}
	var kb int64
	if rss {
		out, _ := os.ReadFile(rssFile)
		fields := strings.Fields(string(out))
		if len(fields) == 0 {
			return sample{}, fmt.Errorf("%s %s: no peak RSS from %s", rt.name, strings.Join(args, " "), timeBin)
		}
		kb, _ = strconv.ParseInt(fields[len(fields)-1], 10, 64)
	}
	return sample{d, kb, cpu}, nil
}

// lifecycle runs iteration i of one runtime's lifecycle into res:
// iteration 0 runs every command under GNU time for its peak RSS (and
// warms the caches); its latencies are not counted.
func lifecycle(rt runtime, dir, busybox string, i int, res map[string][]sample) {
	root := filepath.Join(dir, rt.name+"-state")
	trueB := filepath.Join(dir, rt.name+"-true")
	sleepB := filepath.Join(dir, rt.name+"-sleep")
	if i == 0 {
		bundle(dir, rt.name+"-true", busybox, rt.ociVer, []string{"/bin/true"})
		bundle(dir, rt.name+"-sleep", busybox, rt.ociVer, []string{"/bin/sleep", "1000"})
	}
	rssPass := i == 0
	add := func(op string, s sample, err error) {
		if err != nil {
			fatal(err.Error())
		}
		if rssPass {
			op = rssKey + op
		}
		res[op] = append(res[op], s)
	}
	timed := func(rt runtime, root string, args ...string) (sample, error) {
		return timedRSS(rt, root, rssPass, args...)
	}
	id := fmt.Sprintf("b%d", i)
	s, err := timed(rt, root, "run", "--bundle", trueB, id)
	add("run /bin/true", s, err)
	if rt.name != "minirun" {
		timed(rt, root, "delete", "--force", id)
	}
	s, err = timed(rt, root, "create", "--bundle", sleepB, id)
	add("create", s, err)
	s, err = timed(rt, root, "state", id)
	add("state", s, err)
	s, err = timed(rt, root, "start", id)
	add("start", s, err)
	s, err = timed(rt, root, "exec", id, "/bin/true")
	add("exec /bin/true", s, err)
	s, err = timed(rt, root, "delete", "--force", id)
	add("delete --force (running)", s, err)
	s, err = timed(rt, root, "create", "--bundle", sleepB, id)
	add("create", s, err)
	s, err = timed(rt, root, "delete", id)
	add("delete (created)", s, err)
}

// removeBenchCgroups removes what runc and crun leave of /minirun-bench.
func removeBenchCgroups() {
	ents, _ := os.ReadDir("/sys/fs/cgroup")
	for _, e := range ents {
		top := filepath.Join("/sys/fs/cgroup", e.Name(), "minirun-bench")
		subs, _ := os.ReadDir(top)
		for _, s := range subs {
			if s.IsDir() {
				os.Remove(filepath.Join(top, s.Name()))
			}
		}
		os.Remove(top)
	}
}

func medianCPU(s []sample) float64 {
	d := make([]time.Duration, len(s))
	for i, x := range s {
		d[i] = x.cpu
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return float64(d[len(d)/2].Microseconds()) / 1000
}

var ops = []string{"run /bin/true", "create", "start", "state", "exec /bin/true", "delete --force (running)", "delete (created)"}

func median(s []sample) time.Duration {
	d := make([]time.Duration, len(s))
	for i, x := range s {
		d[i] = x.d
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2]
}

func peak(s []sample) int64 {
	var p int64
	for _, x := range s {
		p = max(p, x.rss)
	}
	return p
}

func report(rts []runtime, res map[string]map[string][]sample) {
	fmt.Printf("%-26s", "median latency (ms)")
	for _, rt := range rts {
		fmt.Printf("%12s", rt.name)
	}
	for _, rt := range rts[1:] {
		fmt.Printf("%16s", "minirun/"+rt.name)
	}
	fmt.Println()
	for _, op := range ops {
		fmt.Printf("%-26s", op)
		base := median(res["minirun"][op])
		for _, rt := range rts {
			fmt.Printf("%12.2f", float64(median(res[rt.name][op]).Microseconds())/1000)
		}
		for _, rt := range rts[1:] {
			fmt.Printf("%15.2fx", float64(base)/float64(median(res[rt.name][op])))
		}
		fmt.Println()
	}
	// Peak RSS of the command's process and the children it reaped (for
	// run and exec, the container's process before its execve is still
	// the runtime's image).
	fmt.Printf("\n%-26s", "peak RSS per command (MB)")
	for _, rt := range rts {
		fmt.Printf("%12s", rt.name)
	}
	fmt.Println()
	for _, op := range ops {
		fmt.Printf("%-26s", op)
		for _, rt := range rts {
			fmt.Printf("%12.1f", float64(peak(res[rt.name][rssKey+op]))/1024)
		}
		fmt.Println()
	}
}
