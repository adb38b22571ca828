package initproc

import (
	"errors"
	"fmt"

	"github.com/minirun/minirun/pkg/caps"
	"github.com/minirun/minirun/pkg/rlimits"
	"github.com/minirun/minirun/pkg/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// kernel is every privilege-changing call of the final sequence, behind
// an interface so a recording fake can check their order in unit tests.
type kernel interface {
	SetRlimits([]specs.POSIXRlimit) error
	SetProcessAttrs(procAttrs) error
	ApplyLSM() error
	SetNoNewPrivs() error
	LoadSeccomp(bpf []byte, flags uint) error
	DropBounding(caps.Sets) error
	SwitchUser(specs.User) error
	ApplyCaps(caps.Sets) error
	EnterCwd(fd int, path string) error // fd < 0: open path now
	CloseOnExec(from int) error
	Execve(path string, argv, env []string) error
}

// realKernel makes the calls on the current thread.
type realKernel struct {
	lsm         *lsmAttrs
	listenerFd  int // seccomp notify listener connection, -1 without one
	notifyState []byte
	firstFree   int // fds below it are stdio and the ones the user passed
}

func (realKernel) SetRlimits(list []specs.POSIXRlimit) error { return rlimits.Apply(list) }

func (realKernel) SetProcessAttrs(a procAttrs) error { return a.apply() }

func (k realKernel) ApplyLSM() error { return k.lsm.apply() }

func (realKernel) SetNoNewPrivs() error {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("set no_new_privs: %w", err)
	}
	return nil
}

func (k realKernel) LoadSeccomp(bpf []byte, flags uint) error {
	fd, err := seccomp.Load(bpf, flags, k.listenerFd >= 0)
	if err != nil || k.listenerFd < 0 {
		return err
	}
	return seccomp.SendListener(k.listenerFd, fd, k.notifyState)
}

func (realKernel) DropBounding(s caps.Sets) error { return caps.DropBounding(s) }

// SwitchUser keeps the permitted set across the uid change (PR_SET_KEEPCAPS)
// so the final capset can grant a non-root user what the config says.
func (realKernel) SwitchUser(u specs.User) error {
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("set keep-caps: %w", err)
	}
	groups := make([]int, len(u.AdditionalGids))
	for i, g := range u.AdditionalGids {
		groups[i] = int(g)
	}
	// setgroups is denied in a user namespace with setgroups=deny; an empty
	// list then changes nothing.
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
	if u.Umask != nil {
		unix.Umask(int(*u.Umask))
	}
	return nil
}

func (realKernel) ApplyCaps(s caps.Sets) error { return caps.ApplyFinal(s) }

// EnterCwd enters the cwd opened before the user switch, or, when root
// could not open it (fd < 0), opens it now as the user.
func (realKernel) EnterCwd(fd int, path string) error {
	if fd < 0 {
		var err error
		if fd, err = openCwd(path); err != nil {
			return err
		}
		defer unix.Close(fd)
	}
	if err := unix.Fchdir(fd); err != nil {
		return fmt.Errorf("process.cwd %s: %w", path, err)
	}
	return nil
}

func (realKernel) CloseOnExec(from int) error {
	if err := unix.CloseRange(uint(from), ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil {
		return fmt.Errorf("mark descriptors close-on-exec: %w", err)
	}
	return nil
}

// Execve refuses to run while the init still holds a file or directory
// beyond the fds the user passed: execve(2) resolves path before
// close-on-exec takes effect, so one held directory is a way to the host
// (CVE-2024-21626). The init closes all it opened; this is the check.
func (k realKernel) Execve(path string, argv, env []string) error {
	if err := refuseHeldFiles(k.firstFree); err != nil {
		return err
	}
	return unix.Exec(path, argv, env)
}

// heldFdScan is how far past the passed fds the check looks: the
// bootstrap closed every fd above the passed ones before the Go runtime
// started, so only the init's own few can be there.
const heldFdScan = 1024

func refuseHeldFiles(from int) error {
	for _, fd := range openFds(from, heldFdScan) {
		var st unix.Stat_t
		err := unix.Fstat(fd, &st)
		if errors.Is(err, unix.EBADF) {
			continue
		}
		if err != nil {
			return fmt.Errorf("check fd %d before exec: %w", fd, err)
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFSOCK, unix.S_IFIFO, 0: // sockets, pipes, anonymous inodes
			continue
		}
		return fmt.Errorf("refusing to exec: fd %d (mode %#o) is a file or directory the runtime still holds", fd, st.Mode)
	}
	return nil
}

// openFds lists the open fds in [from, from+n). One poll(2) answers for all
// of them (POLLNVAL: not open) where 1,024 fstat calls would cost ~0.2 ms
// of every start and exec; where poll refuses (n above RLIMIT_NOFILE),
// every fd is listed and left to fstat.
func openFds(from, n int) []int {
	pfds := make([]unix.PollFd, n)
	for i := range pfds {
		pfds[i] = unix.PollFd{Fd: int32(from + i)}
	}
	all := func() []int {
		fds := make([]int, n)
		for i := range fds {
			fds[i] = from + i
		}
		return fds
	}
	for {
		_, err := unix.Poll(pfds, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return all()
		}
		break
	}
	var open []int
	for _, p := range pfds {
		if p.Revents&unix.POLLNVAL == 0 {
			open = append(open, int(p.Fd))
		}
	}
	return open
}
