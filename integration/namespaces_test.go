package integration

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

var allTypes = []specs.LinuxNamespaceType{"pid", "network", "ipc", "uts", "mount", "cgroup", "user"}

var procName = map[specs.LinuxNamespaceType]string{"pid": "pid", "network": "net", "ipc": "ipc",
	"uts": "uts", "mount": "mnt", "cgroup": "cgroup", "user": "user", "time": "time"}

// withUserNS gives a spec every namespace, root mapped to 100000.
func withUserNS(s *specs.Spec) {
	s.Linux.Namespaces = nil
	for _, t := range allTypes {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: t})
	}
	s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
}

func nsOf(t *testing.T, pid int, name string) string {
	t.Helper()
	l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, name))
	must(t, err)
	return l
}

func TestExecJoinsEveryNamespace(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "c", withUserNS)
	pid := e.pid("c")
	for _, n := range procName {
		if n != "time" && nsOf(t, pid, n) == nsOf(t, os.Getpid(), n) {
			t.Fatalf("init shares the host's %s namespace", n)
		}
	}
	r := parseProbe(t, e.ok("exec", "c", "/bin/probe"))
	for _, n := range procName {
		if got, want := r.Namespaces[n], nsOf(t, pid, n); got != want {
			t.Errorf("exec'd process is in %s, init in %s", got, want)
		}
	}
	if r.UID != 0 {
		t.Errorf("exec'd process uid %d, want 0 (mapped root)", r.UID)
	}
	cg := e.ok("exec", "c", "sh", "-c", "cat /proc/1/cgroup; echo --; cat /proc/self/cgroup")
	if initCg, execCg, _ := strings.Cut(cg, "--\n"); initCg != execCg || !strings.Contains(initCg, ":/\n") {
		t.Errorf("exec cgroup %q, init cgroup %q (both seen in the container's cgroup namespace)", execCg, initCg)
	}
	m, _ := os.ReadFile(fmt.Sprintf("/proc/%d/uid_map", pid))
	if f := strings.Fields(string(m)); len(f) != 3 || f[0] != "0" || f[1] != "100000" || f[2] != "65536" {
		t.Errorf("uid_map %q", m)
	}
}

func TestUserNamespaceMultipleRanges(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		withUserNS(s)
		s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 1000}, {ContainerID: 1000, HostID: 200000, Size: 1000}}
		s.Linux.GIDMappings = s.Linux.UIDMappings
		s.Process.User = specs.User{UID: 1500, GID: 1500}
		s.Process.Args = []string{"sh", "-c", "cat /proc/self/uid_map; id -u; /bin/probe"}
	})
	out := e.ok("run", "--bundle", b, "c")
	if !strings.Contains(out, "1000     200000       1000") && !strings.Contains(strings.Join(strings.Fields(out), " "), "1000 200000 1000") {
		t.Fatalf("second range missing from uid_map: %q", out)
	}
	if r := parseProbe(t, out); r.UID != 1500 || r.GID != 1500 {
		t.Fatalf("ids %d:%d, want 1500:1500", r.UID, r.GID)
	}
}

// holder starts a process in new namespaces of the host's view, for
// joining a mount namespace by path.
func holder(t *testing.T, args ...string) int {
	t.Helper()
	cmd := exec.Command("unshare", append(args, "sleep", "100")...)
	must(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	pid := cmd.Process.Pid
	waitFor(t, "holder namespaces", func() bool {
		return nsOf(t, pid, "mnt") != nsOf(t, os.Getpid(), "mnt")
	})
	return pid
}

func TestJoinNamespacesByPath(t *testing.T) {
	e := newEnv(t)
	runningSleep(e, "a", withUserNS)
	apid := e.pid("a")
	mntHolder := holder(t, "-m", "--propagation", "private")
	for _, typ := range append(allTypes, "all-but-mount") {
		typ := typ
		t.Run(string(typ), func(t *testing.T) {
			id := "b-" + strings.ReplaceAll(string(typ), "-", "")
			b := e.bundle(id, func(s *specs.Spec) {
				for i, ns := range s.Linux.Namespaces {
					switch {
					case ns.Type == "mount" && typ == "mount":
						s.Linux.Namespaces[i].Path = "/proc/" + strconv.Itoa(mntHolder) + "/ns/mnt"
					case ns.Type == typ || (typ == "all-but-mount" && ns.Type != "mount"):
						s.Linux.Namespaces[i].Path = fmt.Sprintf("/proc/%d/ns/%s", apid, procName[ns.Type])
					}
				}
				if typ == "user" || typ == "all-but-mount" {
					s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: "user",
						Path: fmt.Sprintf("/proc/%d/ns/user", apid)})
				}
				s.Process.Args = []string{"sleep", "100"}
			})
			e.ok("run", "-d", "--bundle", b, id)
			bpid := e.pid(id)
			for _, want := range []specs.LinuxNamespaceType{typ} {
				if typ == "all-but-mount" {
					continue
				}
				target := apid
				if want == "mount" {
					target = mntHolder
				}
				if got, exp := nsOf(t, bpid, procName[want]), nsOf(t, target, procName[want]); got != exp {
					t.Errorf("%s: joined %s, want %s", want, got, exp)
				}
			}
			if typ == "all-but-mount" {
				for _, n := range []string{"pid", "net", "ipc", "uts", "cgroup", "user"} {
					if got, exp := nsOf(t, bpid, n), nsOf(t, apid, n); got != exp {
						t.Errorf("%s: joined %s, want %s", n, got, exp)
					}
				}
			}
			e.ok("delete", "--force", id)
		})
	}
}
