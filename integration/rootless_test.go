package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Every test here runs minirun as a fresh unprivileged user (issue 12).

func fields(s string) string { return strings.Join(strings.Fields(s), " ") }

// A `spec --rootless` bundle runs as the user with no writable cgroup:
// root inside is the user outside, with no cgroup made anywhere.
func TestRootlessRunSpecBundle(t *testing.T) {
	u := newAnyUser(t)
	b := u.bundle("b", func(s *specs.Spec) {
		s.Process.Terminal = false
		s.Process.Args = []string{"sh", "-c", "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; cat /proc/self/setgroups; ls /sys/kernel >/dev/null && echo sys-ok; " +
			"grep CapEff /proc/self/status; cat /mnt/own"}
		// A bind mount of the user's own file.
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/mnt/own", Type: "bind", Source: filepath.Join(u.dir, "own"), Options: []string{"bind", "ro"}})
	})
	must(t, os.WriteFile(filepath.Join(u.dir, "own"), []byte("mine\n"), 0o600))
	must(t, os.Chown(filepath.Join(u.dir, "own"), u.uid, u.gid))
	r := u.run("run", "--bundle", b, "r1")
	if r.code != 0 {
		t.Fatalf("run: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	// CapEff: the config's three capabilities, held in the user namespace only.
	want := fmt.Sprintf("0 0 0 %d 1 0 %d 1 deny sys-ok CapEff: 0000000020000420 mine", u.uid, u.gid)
	if got := fields(r.stdout); got != want {
		t.Errorf("container saw %q, want %q", got, want)
	}
	for _, d := range cgroupDirs("/minirun-r1") {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("cgroup %s made for a container with no resources and no writable cgroup", d)
		}
	}
	// The default root is $XDG_RUNTIME_DIR/minirun, private to the user.
	st, err := os.Stat(filepath.Join(u.runtime, "minirun"))
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("state root: %v %v, want a 0700 directory", st, err)
	}
}

// With a cgroup the user owns in every hierarchy, the self map is written
// (the bootstrap must stay dumpable until then, and deny setgroups first).
func TestRootlessSelfMapInDelegatedCgroups(t *testing.T) {
	requireV1(t)
	u := newTestUser(t)
	rel := "/minirun-rl-" + u.name
	ents, _ := os.ReadDir("/sys/fs/cgroup")
	for _, e := range ents {
		if e.Name() == "unified" || !e.IsDir() {
			continue
		}
		d := u.delegate(e.Name(), rel)
		if strings.Contains(e.Name(), "cpuset") {
			for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
				v, _ := os.ReadFile(filepath.Join(filepath.Dir(d), f))
				os.WriteFile(filepath.Join(d, f), v, 0)
			}
		}
	}
	b := u.bundle("b", func(s *specs.Spec) {
		s.Process.Terminal = false
		s.Linux.CgroupsPath = rel + "/c1"
		// The host's view of /proc/self/cgroup shows the placement.
		var ns []specs.LinuxNamespace
		for _, n := range s.Linux.Namespaces {
			if n.Type != specs.CgroupNamespace {
				ns = append(ns, n)
			}
		}
		s.Linux.Namespaces = ns
		s.Process.Args = []string{"sh", "-c", "id -u; cat /proc/self/uid_map; grep pids /proc/self/cgroup"}
	})
	// Pause works where the user owns the freezer cgroup.
	bp := u.bundle("bp", func(s *specs.Spec) {
		s.Process.Terminal = false
		s.Linux.CgroupsPath = rel + "/p1"
		s.Process.Args = []string{"sleep", "300"}
	})
	u.ok("run", "-d", "--bundle", bp, "p1")
	u.ok("pause", "p1")
	if out := u.ok("state", "p1"); !strings.Contains(out, `"paused"`) {
		t.Errorf("state after pause: %s", out)
	}
	u.ok("resume", "p1")
	u.ok("delete", "--force", "p1")
	out := u.ok("run", "--bundle", b, "d1")
	if !strings.HasPrefix(fields(out), fmt.Sprintf("0 0 %d 1", u.uid)) || !strings.Contains(out, rel+"/c1") {
		t.Errorf("container saw %q", out)
	}
	if _, err := os.Stat(filepath.Join("/sys/fs/cgroup/pids", rel, "c1")); err == nil {
		t.Errorf("cgroup %s/c1 left behind", rel)
	}
}

// A map of more than the user's own id goes through newuidmap and
// newgidmap with the user's /etc/subuid and /etc/subgid ranges.
func TestRootlessMultiRangeMap(t *testing.T) {
	requireTool(t, "newuidmap", "uidmap")
	u := newTestUser(t)
	base := u.addSubIDs(65536)
	maps := []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(u.uid), Size: 1}, {ContainerID: 1, HostID: uint32(base), Size: 65536}}
	gmaps := []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(u.gid), Size: 1}, {ContainerID: 1, HostID: uint32(base), Size: 65536}}
	b := u.bundle("b", func(s *specs.Spec) {
		s.Process.Terminal = false
		s.Linux.UIDMappings, s.Linux.GIDMappings = maps, gmaps
		s.Process.User = specs.User{UID: 1000, GID: 1000}
		s.Process.Args = []string{"sh", "-c", "id -u; id -g; cat /proc/self/uid_map; touch /tmp/f; stat -c %u:%g /tmp/f"}
		s.Root.Readonly = false
	})
	must(t, os.Chmod(filepath.Join(b, "rootfs/tmp"), 0o1777))
	out := u.ok("run", "--bundle", b, "m1")
	want := fmt.Sprintf("1000 1000 0 %d 1 1 %d 65536 1000:1000", u.uid, base)
	if got := fields(out); got != want {
		t.Errorf("container saw %q, want %q", got, want)
	}
	var st = statOwner(t, filepath.Join(b, "rootfs/tmp/f"))
	if st != fmt.Sprintf("%d:%d", base+999, base+999) {
		t.Errorf("file made by container uid 1000 is %s on the host, want the subordinate id %d", st, base+999)
	}
	os.Remove(filepath.Join(b, "rootfs/tmp/f"))
}

// Without subordinate ids, the error names the file to fix.
func TestRootlessMultiRangeWithoutSubuidSaysWhy(t *testing.T) {
	requireTool(t, "newuidmap", "uidmap")
	u := newTestUser(t)
	b := u.bundle("b", func(s *specs.Spec) {
		s.Process.Terminal = false
		s.Linux.UIDMappings = append(s.Linux.UIDMappings, specs.LinuxIDMapping{ContainerID: 1, HostID: 3999000, Size: 10})
		s.Process.Args = []string{"true"}
	})
	r := u.run("run", "--bundle", b, "m2")
	if r.code == 0 || !strings.Contains(r.stderr, "newuidmap") || !strings.Contains(r.stderr, "/etc/subuid") {
		t.Errorf("run: exit %d %q, want an error naming newuidmap and /etc/subuid", r.code, r.stderr)
	}
}

func statOwner(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("stat", "-c", "%u:%g", path).Output()
	must(t, err)
	return strings.TrimSpace(string(out))
}

// Resources with no cgroup the user may write: an error naming the
// cgroup and why, not a container without its limits.
func TestRootlessResourcesWithoutWritableCgroupFails(t *testing.T) {
	u := newAnyUser(t)
	// runc's default cgroup: the id under the caller's own cgroup.
	cg := "/sys/fs/cgroup/pids/"
	if cgroupV2() {
		cg = "/sys/fs/cgroup/"
	}
	limit := int64(10)
	b := u.bundle("b", func(s *specs.Spec) {
		s.Process.Terminal = false
		s.Process.Args = []string{"true"}
		s.Linux.Resources = &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: &limit}}
	})
	r := u.run("run", "--bundle", b, "e1")
	if r.code == 0 || !strings.Contains(r.stderr, "linux.resources.pids") || !strings.Contains(r.stderr, cg) ||
		!strings.Contains(r.stderr, "e1 (") || !strings.Contains(r.stderr, "permission denied") {
		t.Errorf("run: exit %d %q, want an error naming linux.resources.pids, the cgroup and the reason", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(u.runtime, "minirun", "e1")); err == nil {
		t.Error("state of the failed container left behind")
	}
}

// A pids cgroup delegated to the user (a v1 directory chowned to it, the
// equivalent of a delegated cgroup v2 subtree on this host) takes the
// container and holds a fork bomb at its limit; the other hierarchies
// are skipped.
func TestRootlessDelegatedPidsCgroupHoldsForkBomb(t *testing.T) {
	requireV1(t)
	u := newTestUser(t)
	rel := "/minirun-rl-" + u.name
	u.delegate("pids", rel)
	limit := int64(16)
	b := u.bundle("b", func(s *specs.Spec) {
		s.Process.Terminal = false
		s.Linux.CgroupsPath = rel + "/c1"
		s.Linux.Resources = &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: &limit}}
		// A subshell forks sleepers until refused (busybox sh then exits);
		// init execs, which needs no fork, and holds the namespace open.
		s.Process.Args = []string{"sh", "-c", "(while :; do sleep 300 & done) 2>/dev/null; exec sleep 300"}
	})
	u.ok("run", "-d", "--bundle", b, "f1")
	dir := filepath.Join("/sys/fs/cgroup/pids", rel, "c1")
	var current, events string
	waitFor(t, "the fork bomb to hit pids.max", func() bool {
		c, _ := os.ReadFile(filepath.Join(dir, "pids.current"))
		e, _ := os.ReadFile(filepath.Join(dir, "pids.events"))
		current, events = strings.TrimSpace(string(c)), strings.TrimSpace(string(e))
		return events != "" && events != "max 0"
	})
	// The subshell that hit the limit has exited: init and 14 or 15 sleepers.
	if n, _ := strconv.Atoi(current); n < 15 || n > 16 {
		t.Errorf("pids.current %s, want the limit of 16 (or 15 once the refused shell exited)", current)
	}
	if max, _ := os.ReadFile(filepath.Join(dir, "pids.max")); strings.TrimSpace(string(max)) != "16" {
		t.Errorf("pids.max %q, want 16", max)
	}
	u.ok("delete", "--force", "f1")
	if _, err := os.Stat(filepath.Join("/sys/fs/cgroup/pids", rel, "c1")); err == nil {
		t.Errorf("cgroup %s/c1 left behind", rel)
	}
	// Only pids was delegated: a memory limit has nowhere to go.
	mem := int64(64 << 20)
	bm := u.bundle("bm", func(s *specs.Spec) {
		s.Process.Terminal = false
		s.Linux.CgroupsPath = rel + "/c2"
		s.Linux.Resources = &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: &limit}, Memory: &specs.LinuxMemory{Limit: &mem}}
		s.Process.Args = []string{"true"}
	})
	r := u.run("run", "--bundle", bm, "f2")
	if r.code == 0 || !strings.Contains(r.stderr, "linux.resources.memory") || !strings.Contains(r.stderr, "/sys/fs/cgroup/memory"+rel+"/c2") {
		t.Errorf("memory limit without a memory cgroup: exit %d %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join("/sys/fs/cgroup/pids", rel, "c2")); err == nil {
		t.Errorf("cgroup %s/c2 made for a container that failed", rel)
	}
}

// The lifecycle as the user: create, start, state, list, ps, exec (joining
// every namespace, with seccomp), kill and delete; on the host the
// container's processes belong to the user.
func TestRootlessLifecycleAndExec(t *testing.T) {
	u := newTestUser(t)
	b := u.bundle("b", func(s *specs.Spec) {
		s.Process.Terminal = false
		s.Process.Args = []string{"sleep", "300"}
		// An errno nothing else would give: the filter, not a missing
		// capability or the read-only rootfs, refused the call.
		enotsup := uint(95)
		s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow,
			Syscalls: []specs.LinuxSyscall{{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActErrno, ErrnoRet: &enotsup}}}
	})
	u.ok("create", "--bundle", b, "l1")
	u.ok("start", "l1")
	if out := u.ok("state", "l1"); !strings.Contains(out, `"running"`) {
		t.Errorf("state: %s", out)
	}
	if out := u.ok("list", "-q"); strings.TrimSpace(out) != "l1" {
		t.Errorf("list: %q", out)
	}
	if out := u.ok("ps", "l1"); !strings.Contains(out, "sleep") {
		t.Errorf("ps: %q", out)
	}
	pid := strings.TrimSpace(u.ok("state", "l1"))
	pid = pid[strings.Index(pid, `"pid":`)+6:]
	pid = strings.TrimSpace(pid[:strings.IndexAny(pid, ",}")])
	if out, err := exec.Command("ps", "-o", "user=", "-p", pid).Output(); err != nil || strings.TrimSpace(string(out)) != u.name {
		t.Errorf("ps -o user= of the container's init: %q %v, want %s", out, err, u.name)
	}
	script := "id -u; for n in user pid mnt uts ipc cgroup; do readlink /proc/self/ns/$n; done; mkdir /tmp/d 2>&1 | grep -o 'not supported'"
	out := fields(u.ok("exec", "l1", "sh", "-c", script))
	want := "0"
	for _, ns := range []string{"user", "pid", "mnt", "uts", "ipc", "cgroup"} {
		l, err := os.Readlink(fmt.Sprintf("/proc/%s/ns/%s", pid, ns))
		must(t, err)
		want += " " + l
	}
	if want += " not supported"; out != want {
		t.Errorf("exec saw %q, want %q", out, want)
	}
	if r := u.run("update", "--pids-limit", "10", "l1"); r.code == 0 || !strings.Contains(r.stderr, "no pids cgroup") {
		t.Errorf("update without a pids cgroup: exit %d %q, want an error saying there is no pids cgroup", r.code, r.stderr)
	}
	if r := u.run("pause", "l1"); r.code == 0 || !strings.Contains(r.stderr, "no freezer cgroup") {
		t.Errorf("pause without a freezer: exit %d %q, want an error saying there is no freezer cgroup", r.code, r.stderr)
	}
	u.ok("kill", "l1", "KILL")
	waitFor(t, "the container to stop", func() bool { return strings.Contains(u.ok("state", "l1"), `"stopped"`) })
	u.ok("delete", "l1")
	if out := u.ok("list", "-q"); strings.TrimSpace(out) != "" {
		t.Errorf("list after delete: %q", out)
	}
}

// A terminal through --console-socket: the pty master reaches the
// caller and the container's stdin is a tty.
func TestRootlessTerminal(t *testing.T) {
	u := newAnyUser(t)
	b := u.bundle("b", func(s *specs.Spec) {
		s.Process.Terminal = true
		s.Process.Args = []string{"sh", "-c", "test -t 0 && echo stdin-is-a-tty; read line; echo got:$line; sleep 100"}
	})
	sock, ch := consoleListener(t, u.dir)
	must(t, os.Chown(sock, u.uid, u.gid))
	u.ok("create", "--bundle", b, "--console-socket", sock, "t1")
	master := <-ch
	if master == nil {
		t.Fatal("no pty master received")
	}
	defer master.Close()
	u.ok("start", "t1")
	readUntil(t, master, "stdin-is-a-tty")
	master.Write([]byte("hello\n"))
	readUntil(t, master, "got:hello")
	// exec -t hands its own pty master over the same way.
	sub := filepath.Join(u.dir, "exec-console")
	must(t, os.Mkdir(sub, 0o755))
	sock2, ch2 := consoleListener(t, sub)
	must(t, os.Chown(sock2, u.uid, u.gid))
	u.ok("exec", "-d", "-t", "--console-socket", sock2, "t1", "sh", "-c", "test -t 0 && echo exec-tty; sleep 100")
	m2 := <-ch2
	if m2 == nil {
		t.Fatal("no pty master received for exec -t")
	}
	defer m2.Close()
	readUntil(t, m2, "exec-tty")
	u.ok("delete", "--force", "t1")
}

// A config's sysfs works rootless: mounted when the container has a
// network namespace of the user's own; otherwise the host's /sys bound
// in its place, read-only as the config asked.
func TestRootlessSysfs(t *testing.T) {
	u := newAnyUser(t)
	sysfs := func(netns bool) func(*specs.Spec) {
		return func(s *specs.Spec) {
			s.Process.Terminal = false
			for i, m := range s.Mounts {
				if m.Destination == "/sys" {
					s.Mounts[i] = specs.Mount{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}}
				}
			}
			if netns {
				s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.NetworkNamespace})
			}
			s.Process.Args = []string{"sh", "-c", "ls /sys/class/net | grep -c .; touch /sys/kernel/x 2>&1 | grep -o Read-only"}
		}
	}
	if out := fields(u.ok("run", "--bundle", u.bundle("own", sysfs(true)), "s1")); out != "1 Read-only" {
		t.Errorf("own network namespace: %q, want its sysfs (lo only) read-only", out)
	}
	host, _ := os.ReadDir("/sys/class/net")
	out := fields(u.ok("run", "--bundle", u.bundle("host", sysfs(false)), "s2"))
	if want := fmt.Sprintf("%d Read-only", len(host)); out != want {
		t.Errorf("no network namespace: %q, want the host's /sys (%d interfaces) read-only", out, len(host))
	}
}

// The host's root asking for --rootless=true keeps what it can enforce:
// its device rules are not dropped with the unprivileged caller's.
func TestRootlessTrueAsRootKeepsDeviceRules(t *testing.T) {
	requireV1(t)
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "100"} })
	e.ok("--rootless", "true", "run", "-d", "--bundle", b, "c")
	list, err := os.ReadFile(filepath.Join("/sys/fs/cgroup/devices", e.cgroup, "c", "devices.list"))
	must(t, err)
	if strings.Contains(string(list), "a *:* rwm") {
		t.Errorf("devices.list %q: the config's deny-all was dropped", list)
	}
	e.ok("delete", "--force", "c")
}
