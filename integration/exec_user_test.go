package integration

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// execIDs runs `exec ARGS... c` and returns the Uid, Gid and Groups lines
// of /proc/self/status (real ids first) and the shell's umask.
func execIDs(e *env, args ...string) (uid, gid, groups, umask string) {
	e.t.Helper()
	out := e.ok(append(append([]string{"exec"}, args...), "c", "sh", "-c", "cat /proc/self/status; echo umask=$(umask)")...)
	for _, line := range strings.Split(out, "\n") {
		k, v, _ := strings.Cut(line, ":")
		f := strings.Fields(v)
		switch {
		case k == "Uid" && len(f) > 0:
			uid = f[0]
		case k == "Gid" && len(f) > 0:
			gid = f[0]
		case k == "Groups":
			groups = strings.Join(f, " ")
		case strings.HasPrefix(line, "umask="):
			umask = strings.TrimPrefix(line, "umask=")
		}
	}
	return uid, gid, groups, umask
}

// -u replaces the uid and, when given, the gid: the config's additional
// gids and umask stay, as with runc; --additional-gids adds to them.
func TestExecUserKeepsConfigGroupsAndUmask(t *testing.T) {
	e := newEnv(t)
	umask := uint32(0o027)
	runningSleep(e, "c", func(s *specs.Spec) {
		s.Process.User = specs.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{2000, 3000}, Umask: &umask}
	})
	cases := []struct {
		args                    []string
		uid, gid, groups, umask string
	}{
		{nil, "1000", "1000", "2000 3000", "0027"},
		{[]string{"-u", "1001"}, "1001", "1000", "2000 3000", "0027"},
		{[]string{"-u", "1001:1002"}, "1001", "1002", "2000 3000", "0027"},
		{[]string{"-u", "1001", "--additional-gids", "4000"}, "1001", "1000", "2000 3000 4000", "0027"},
	}
	for _, c := range cases {
		uid, gid, groups, um := execIDs(e, c.args...)
		if uid != c.uid || gid != c.gid || groups != c.groups || um != c.umask {
			t.Errorf("exec %v: uid %s gid %s groups %q umask %s, want %s %s %q %s",
				c.args, uid, gid, groups, um, c.uid, c.gid, c.groups, c.umask)
		}
	}
}
