package initproc

import (
	"errors"
	"fmt"

	"github.com/minirun/minirun/pkg/caps"
	"github.com/minirun/minirun/pkg/envs"
	"github.com/minirun/minirun/pkg/logs"
	"github.com/minirun/minirun/pkg/protocol"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// prepared is a process ready for execve: all that is left is the late
// seccomp load, the close-on-exec sweep and the exec itself.
type prepared struct {
	k            kernel
	path         string
	argv, env    []string
	lateSeccomp  []byte
	rlimits      []specs.POSIXRlimit
	rlimitsSet   bool
	flags        uint
	firstFree    int
	earlySeccomp bool
}

// prepareProcess applies the process's security settings in the order the
// kernel requires, on the calling (locked) thread.
func prepareProcess(c *protocol.Config, lsm *lsmAttrs) (*prepared, error) {
	p := c.Spec.Process
	// Because an early seccomp filter may forbid openat2, the cwd is
	// resolved now and entered after the user switch.
	cwd, err := openCwd(p.Cwd)
	switch {
	case errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM):
		// Because the user may reach what root cannot (a 0700 volume
		// chowned to the user, root without CAP_DAC_OVERRIDE over it),
		// runc tries again after the user switch; so does EnterCwd.
		cwd = -1
	case err != nil:
		return nil, err
	default:
		defer unix.Close(cwd)
	}
	k := realKernel{lsm: lsm, listenerFd: -1, firstFree: c.Fds.FirstFree}
	if c.SeccompNotify {
		k.listenerFd, k.notifyState = c.Fds.Listener, c.SeccompState
	}
	out, err := applySecurity(k, c, cwd)
	// The exec labels are written: the attr files, on a procfs of the
	// host's, must not be open when args[0] is resolved (CVE-2024-21626).
	lsm.Close()
	if err != nil {
		return nil, err
	}
	out.env = withHome(envs.Clean(p.Env), p.User.UID)
	// After the switch, so the lookup sees what the user may execute.
	if out.path, err = lookPath(p.Args[0], p.Env); err != nil {
		return nil, err
	}
	return out, nil
}

// applySecurity is the ordered sequence; every step goes through k.
func applySecurity(k kernel, c *protocol.Config, cwd int) (*prepared, error) {
	p := c.Spec.Process
	// process.rlimits are set in exec(), see package rlimits.
	out := &prepared{k: k, argv: p.Args, env: p.Env, firstFree: c.Fds.FirstFree, rlimits: p.Rlimits}
	attrs, err := attrsOf(c)
	if err != nil {
		return nil, err
	}
	// Because a real-time policy needs CAP_SYS_NICE and the RT I/O class
	// CAP_SYS_ADMIN (sched(7), ioprio_set(2)), and a seccomp filter may
	// forbid personality(2) or set_mempolicy(2), these come before both.
	if err := k.SetProcessAttrs(attrs); err != nil {
		return nil, err
	}
	// The exec label is consumed by execve(2), so it can be set early.
	if err := k.ApplyLSM(); err != nil {
		return nil, err
	}
	// Because an early filter may forbid close_range(2), the sweep also
	// runs here, before it; exec() repeats it as late as possible.
	if err := k.CloseOnExec(out.firstFree); err != nil {
		return nil, err
	}
	if p.NoNewPrivileges {
		if err := k.SetNoNewPrivs(); err != nil {
			return nil, err
		}
	}
	if len(c.Seccomp) > 0 {
		out.flags = c.SeccompFlags
		if p.NoNewPrivileges {
			// Because with no_new_privs the filter needs no privilege, it is
			// loaded last, so it only has to allow execve.
			out.lateSeccomp = c.Seccomp
		} else {
			// Without no_new_privs loading needs CAP_SYS_ADMIN, which the
			// user switch below may drop (seccomp(2)).
			if err := k.LoadSeccomp(c.Seccomp, out.flags); err != nil {
				return nil, err
			}
			out.earlySeccomp = true
		}
	}
	sets, _ := caps.Resolve(p.Capabilities)
	// Because PR_CAPBSET_DROP needs CAP_SETPCAP, the bounding set is dropped
	// before the user switch can take it away.
	if err := k.DropBounding(sets); err != nil {
		return nil, err
	}
	if err := k.SwitchUser(p.User); err != nil {
		return nil, err
	}
	if err := k.ApplyCaps(sets); err != nil {
		return nil, err
	}
	if err := k.EnterCwd(cwd, p.Cwd); err != nil {
		return nil, err
	}
	return out, nil
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

// exec is the last step: every descriptor at or above the first free one
// is marked close-on-exec, the rlimits are set, the late seccomp filter
// goes on, then execve(2).
// seccompWhen says, for the debug log, when the filter goes on.
func seccompWhen(p *prepared) string {
	switch {
	case p == nil:
		return "-"
	case p.lateSeccomp != nil:
		return "loaded at start (no_new_privs)"
	case p.earlySeccomp:
		return "loaded"
	}
	return "none"
}

func (p *prepared) exec() error {
	logs.Debugf("exec %s", p.path)
	if err := p.loadLateSeccomp(); err != nil {
		return err
	}
	err := p.k.Execve(p.path, p.argv, p.env)
	return fmt.Errorf("exec %s: %w", p.path, err)
}

// loadLateSeccomp marks every descriptor at or above the first free one
// close-on-exec, then loads the filter held back for no_new_privs; once
// loaded it is not loaded again. The sweep's error is ignored once a
// filter is on: it may forbid close_range(2), and applySecurity swept
// before it.
func (p *prepared) loadLateSeccomp() error {
	if err := p.k.CloseOnExec(p.firstFree); err != nil && !p.earlySeccomp {
		return err
	}
	// Because a small RLIMIT_AS or RLIMIT_NPROC starves the Go runtime, and
	// one in force at setuid(2) fails execve(2) with EAGAIN, the limits come
	// once start is asked for, after everything else but the filter, which
	// may forbid prlimit64 (startContainer hooks run under them, as runc's).
	if !p.rlimitsSet {
		if err := p.k.SetRlimits(p.rlimits); err != nil {
			return err
		}
		p.rlimitsSet = true
	}
	if p.lateSeccomp == nil {
		return nil
	}
	if err := p.k.LoadSeccomp(p.lateSeccomp, p.flags); err != nil {
		return err
	}
	p.lateSeccomp, p.earlySeccomp = nil, true
	return nil
}
