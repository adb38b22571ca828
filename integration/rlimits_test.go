package integration

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Limits far below what the init's Go runtime uses (its address space is
// hundreds of MiB, its threads count against uid 0's RLIMIT_NPROC) must
// still let the container start and see exactly them: runc sets them from
// outside, minirun as the init's last step (runtime-tools process_rlimits).
func TestSmallRlimitsDoNotStarveTheInit(t *testing.T) {
	e := newEnv(t)
	const as = 64 << 20
	limits := []specs.POSIXRlimit{
		{Type: "RLIMIT_AS", Soft: as, Hard: as},
		{Type: "RLIMIT_NOFILE", Soft: 16, Hard: 32},
		{Type: "RLIMIT_NPROC", Soft: 3, Hard: 3},
	}
	want := []string{
		fmt.Sprintf("Max address space %d %d bytes", as, as),
		"Max open files 16 32 files",
		"Max processes 3 3 processes",
	}
	check := func(how, out string) {
		t.Helper()
		got := strings.Join(strings.Fields(out), " ")
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: /proc/self/limits lacks %q:\n%s", how, w, out)
			}
		}
	}
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"cat", "/proc/self/limits"}
		s.Process.Rlimits = limits
		// uid 0 of the initial user namespace is exempt from RLIMIT_NPROC.
		s.Process.User = specs.User{UID: 1000, GID: 1000}
	})
	for i := 0; i < 3; i++ {
		r := e.run("run", "--bundle", b, fmt.Sprint("r", i))
		if r.code != 0 {
			t.Fatalf("run %d: exit %d: %s%s", i, r.code, r.stdout, r.stderr)
		}
		check("run", r.stdout)
	}
	// create, then a while in the Go runtime waiting for start.
	id := "cs"
	r := e.run("create", "--bundle", b, id)
	if r.code != 0 {
		t.Fatalf("create: exit %d: %s", r.code, r.stderr)
	}
	e.ok("start", id)
	waitFor(t, "exit", func() bool { return e.state(id)["status"] == "stopped" })
	e.ok("delete", id)
	// exec gets the same limits.
	runningSleep(e, "x", func(s *specs.Spec) {
		s.Process.Rlimits = limits
		s.Process.User = specs.User{UID: 1000, GID: 1000}
	})
	check("exec", e.ok("exec", "x", "cat", "/proc/self/limits"))
}

// A hard limit above the caller's needs CAP_SYS_RESOURCE in the initial
// user namespace, which an init in a user namespace never has: the parent
// raises it (runc: setupRlimits on the init's pid).
func TestRlimitAboveCallersInUserNamespace(t *testing.T) {
	e := newEnv(t)
	if !haveCap(t, 24) {
		t.Skip("the test runs without CAP_SYS_RESOURCE, so no hard limit can be raised")
	}
	var cur syscall.Rlimit
	must(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &cur))
	hard := cur.Max + 1000
	b := e.bundle("c", func(s *specs.Spec) {
		withUserNS(s)
		s.Process.Args = []string{"cat", "/proc/self/limits"}
		s.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 64, Hard: hard}}
	})
	out := strings.Join(strings.Fields(e.ok("run", "--bundle", b, "c")), " ")
	if w := fmt.Sprintf("Max open files 64 %d files", hard); !strings.Contains(out, w) {
		t.Fatalf("want %q in %s", w, out)
	}
}

// haveCap reports whether the test process has capability bit n effective.
func haveCap(t *testing.T, n uint) bool {
	st, err := os.ReadFile("/proc/self/status")
	must(t, err)
	for _, l := range strings.Split(string(st), "\n") {
		if v, ok := strings.CutPrefix(l, "CapEff:"); ok {
			eff, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			must(t, err)
			return eff&(1<<n) != 0
		}
	}
	return false
}
