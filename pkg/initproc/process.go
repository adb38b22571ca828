package initproc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/minirun/minirun/pkg/caps"
	"github.com/minirun/minirun/pkg/protocol"
	"github.com/minirun/minirun/pkg/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// prepared is a process ready for execve: all that is left is the late
// seccomp load, the close-on-exec sweep and the exec itself.
type prepared struct {
	path         string
	argv, env    []string
	lateSeccomp  []byte
	flags        uint
	notify       bool
	firstFree    int
	earlySeccomp bool
}

func markCloseOnExec(from int) error {
	if err := unix.CloseRange(uint(from), ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil {
		return fmt.Errorf("mark descriptors close-on-exec: %w", err)
	}
	return nil
}

// prepareProcess applies the process's security settings in the order the
// kernel requires, on the calling (locked) thread.
func prepareProcess(c *protocol.Config, lsm *lsmAttrs) (*prepared, error) {
	p := c.Spec.Process
	if err := setRlimits(p.Rlimits); err != nil {
		return nil, err
	}
	// The exec label is consumed by execve(2), so it can be set early.
	if err := lsm.apply(); err != nil {
		return nil, err
	}
	out := &prepared{argv: p.Args, env: p.Env, firstFree: c.FirstFreeFd}
	// Because an early seccomp filter may forbid openat2 and getcwd, the
	// cwd is resolved now and entered after the user switch.
	cwd, err := openCwd(p.Cwd)
	if err != nil {
		return nil, err
	}
	defer unix.Close(cwd)
	if err := setNoNewPrivs(p.NoNewPrivileges); err != nil {
		return nil, err
	}
	// Because an early filter may forbid close_range(2), the sweep also
	// runs here, before it; exec() repeats it as late as possible.
	if err := markCloseOnExec(out.firstFree); err != nil {
		return nil, err
	}
	if len(c.Seccomp) > 0 {
		out.flags, out.notify = c.SeccompFlags, usesNotify(c.Spec.Linux.Seccomp)
		if out.notify {
			return nil, fmt.Errorf("linux.seccomp: SCMP_ACT_NOTIFY is not supported yet")
		}
		if p.NoNewPrivileges {
			// Because with no_new_privs the filter needs no privilege, it is
			// loaded last, so it only has to allow execve.
			out.lateSeccomp = c.Seccomp
		} else if _, err := seccomp.Load(c.Seccomp, out.flags, false); err != nil {
			// Without no_new_privs loading needs CAP_SYS_ADMIN, which the
			// user switch below may drop (seccomp(2)).
			return nil, err
		} else {
			out.earlySeccomp = true
		}
	}
	sets, _ := caps.Resolve(p.Capabilities)
	// Because PR_CAPBSET_DROP needs CAP_SETPCAP, the bounding set is dropped
	// before the user switch can take it away.
	if err := caps.DropBounding(sets); err != nil {
		return nil, err
	}
	if err := switchUser(p.User); err != nil {
		return nil, err
	}
	if p.User.Umask != nil {
		unix.Umask(int(*p.User.Umask))
	}
	if err := caps.ApplyFinal(sets); err != nil {
		return nil, err
	}
	if err := unix.Fchdir(cwd); err != nil {
		return nil, fmt.Errorf("process.cwd %s: %w", p.Cwd, err)
	}
	path, err := lookPath(p.Args[0], p.Env)
	if err != nil {
		return nil, err
	}
	out.path = path
	return out, nil
}

func usesNotify(sc *specs.LinuxSeccomp) bool {
	if sc == nil {
		return false
	}
	if sc.DefaultAction == specs.ActNotify {
		return true
	}
	for _, s := range sc.Syscalls {
		if s.Action == specs.ActNotify {
			return true
		}
	}
	return false
}

func setNoNewPrivs(on bool) error {
	if !on {
		return nil
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("set no_new_privs: %w", err)
	}
	return nil
}

// switchUser keeps the permitted set across the uid change (PR_SET_KEEPCAPS)
// so the final capset can grant a non-root user what the config says.
func switchUser(u specs.User) error {
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("set keep-caps: %w", err)
	}
	groups := make([]int, len(u.AdditionalGids))
	for i, g := range u.AdditionalGids {
		groups[i] = int(g)
	}
	if err := unix.Setgroups(groups); err != nil && !(len(groups) == 0 && errors.Is(err, unix.EPERM)) {
		return fmt.Errorf("setgroups %v: %w", groups, err)
	}
	if err := unix.Setresgid(int(u.GID), int(u.GID), int(u.GID)); err != nil {
		return fmt.Errorf("setgid %d: %w", u.GID, err)
	}
	if err := unix.Setresuid(int(u.UID), int(u.UID), int(u.UID)); err != nil {
		return fmt.Errorf("setuid %d: %w", u.UID, err)
	}
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("clear keep-caps: %w", err)
	}
	return nil
}

// openCwd resolves the cwd without magic links, so a path through
// /proc/self/fd can never land in a directory the runtime holds open on the
// host (CVE-2024-21626); the container's root is the process root here.
func openCwd(cwd string) (int, error) {
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC, Resolve: unix.RESOLVE_NO_MAGICLINKS}
	fd, err := unix.Openat2(unix.AT_FDCWD, cwd, &how)
	if err != nil {
		return -1, fmt.Errorf("process.cwd %s: %w", cwd, err)
	}
	return fd, nil
}

var rlimitNums = map[string]int{
	"RLIMIT_AS": unix.RLIMIT_AS, "RLIMIT_CORE": unix.RLIMIT_CORE, "RLIMIT_CPU": unix.RLIMIT_CPU,
	"RLIMIT_DATA": unix.RLIMIT_DATA, "RLIMIT_FSIZE": unix.RLIMIT_FSIZE, "RLIMIT_LOCKS": 10,
	"RLIMIT_MEMLOCK": unix.RLIMIT_MEMLOCK, "RLIMIT_MSGQUEUE": 12, "RLIMIT_NICE": 13,
	"RLIMIT_NOFILE": unix.RLIMIT_NOFILE, "RLIMIT_NPROC": unix.RLIMIT_NPROC, "RLIMIT_RSS": unix.RLIMIT_RSS,
	"RLIMIT_RTPRIO": 14, "RLIMIT_RTTIME": 15, "RLIMIT_SIGPENDING": 11, "RLIMIT_STACK": unix.RLIMIT_STACK,
}

func setRlimits(list []specs.POSIXRlimit) error {
	for _, r := range list {
		lim := unix.Rlimit{Cur: r.Soft, Max: r.Hard}
		if err := unix.Prlimit(0, rlimitNums[r.Type], &lim, nil); err != nil {
			return fmt.Errorf("process.rlimits %s: %w", r.Type, err)
		}
	}
	return nil
}

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// lookPath finds args[0] with the container's PATH, failing with runc's
// phrases, which Docker maps to exit codes 126 and 127.
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		if err := checkExecutable(name); err != nil {
			return "", fmt.Errorf("exec: %q: %w", name, err)
		}
		return name, nil
	}
	path := defaultPath
	for _, e := range env {
		if strings.HasPrefix(e, "PATH=") {
			path = e[5:]
		}
	}
	var permErr error
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		full := filepath.Join(dir, name)
		err := checkExecutable(full)
		if err == nil {
			return full, nil
		}
		if errors.Is(err, unix.EACCES) && permErr == nil {
			permErr = err
		}
	}
	if permErr != nil {
		return "", fmt.Errorf("exec: %q: %w", name, permErr)
	}
	return "", fmt.Errorf("exec: %q: executable file not found in $PATH", name)
}

func checkExecutable(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.IsDir() {
		return fmt.Errorf("stat %s: is a directory: %w", path, unix.EACCES)
	}
	if err := unix.Access(path, unix.X_OK); err != nil {
		return fmt.Errorf("%s: permission denied: %w", path, unix.EACCES)
	}
	return nil
}

// exec is the last step: late seccomp, then every descriptor at or above
// the first free one is marked close-on-exec, then execve(2).
func (p *prepared) exec() error {
	if err := markCloseOnExec(p.firstFree); err != nil && !p.earlySeccomp {
		return err
	}
	if p.lateSeccomp != nil {
		if _, err := seccomp.Load(p.lateSeccomp, p.flags, false); err != nil {
			return err
		}
	}
	err := unix.Exec(p.path, p.argv, p.env)
	return fmt.Errorf("exec %s: %w", p.path, err)
}
