package container

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/minirun/minirun/pkg/namespaces"
	"github.com/minirun/minirun/pkg/state"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// ErrNotRunning keeps runc's phrase, which containerd treats as benign on kill.
var ErrNotRunning = errors.New("container not running")

// ParseSignal accepts "KILL", "SIGKILL", "kill" or a number; 0 checks
// that the container is alive and sends nothing (as runc and crun).
func ParseSignal(s string) (unix.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > 64 {
			return 0, fmt.Errorf("invalid signal number %d", n)
		}
		return unix.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("unknown signal %q", s)
}

// Kill sends sig to the container's init, or with all to every process in its cgroup.
func Kill(g Global, id string, sig unix.Signal, all bool) error {
	return withLock(g.Root, id, func() error { return kill(g, id, sig, all) })
}

func kill(g Global, id string, sig unix.Signal, all bool) error {
	l, err := load(g.Root, id)
	if err != nil {
		return err
	}
	st := l.st.Status()
	if st == state.Creating {
		return ErrNotRunning
	}
	if done, err := l.killSharedPidNS(sig); done {
		return err
	}
	if st == state.Stopped {
		return ErrNotRunning
	}
	if all {
		return l.signalAll(sig)
	}
	return l.signalInit(sig)
}

// signalInit uses a pidfd checked against the saved start time, so a
// recycled pid is never signalled. A SIGKILL to a paused container is
// followed by a thaw: on cgroup v1 a frozen task dies only once thawed
// (podman's kill of a paused container relies on it, as on runc).
func (l *loaded) signalInit(sig unix.Signal) error {
	pidfd, err := unix.PidfdOpen(l.st.Pid, 0)
	if err != nil {
		return ErrNotRunning
	}
	defer unix.Close(pidfd)
	if !l.st.Alive() {
		return ErrNotRunning
	}
	err = unix.PidfdSendSignal(pidfd, sig, nil, 0)
	if sig == unix.SIGKILL && l.st.Cgroup != nil && l.st.Cgroup.Frozen() {
		l.st.Cgroup.Freeze(false)
	}
	if err != nil {
		if errors.Is(err, unix.ESRCH) {
			return ErrNotRunning
		}
		return fmt.Errorf("signal init: %w", err)
	}
	return nil
}

// signalAll signals every process of the container that minirun can tell
// is the container's: all those in the hierarchies where it created the
// cgroup; in a cgroup it did not create, those in the container's own pid
// namespace (a process someone else moved in is spared); otherwise, with
// neither, only the init.
func (l *loaded) signalAll(sig unix.Signal) error {
	cg := l.st.Cgroup
	switch signalRouteOf(cg) {
	case routeOwnedCgroup:
		return cg.Signal(sig, nil)
	case routeNoCgroup:
		return l.signalNoCgroup(sig)
	case routeForeignCgroup:
		if inNS, ok := l.ownPidNS(); ok {
			defer inNS.Close()
			return cg.Signal(sig, inNS.holds)
		}
	}
	return l.signalInit(sig)
}

// pidNS is the container's own pid namespace, pinned by an open fd.
type pidNS struct {
	f  *os.File
	id unix.Stat_t
}

// ownPidNS returns the pid namespace the container created, while its init
// lives; false for a shared or joined one, where membership proves nothing.
func (l *loaded) ownPidNS() (*pidNS, bool) {
	spec, err := l.st.LifecycleConfig()
	if err != nil || !namespaces.New(spec, specs.PIDNamespace) {
		return nil, false
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/ns/pid", l.st.Pid))
	if err != nil {
		return nil, false
	}
	// Checked after the open: the namespace is then the live init's, not
	// that of a process that reused its pid.
	n := &pidNS{f: f}
	if !l.st.Alive() || unix.Fstat(int(f.Fd()), &n.id) != nil {
		f.Close()
		return nil, false
	}
	return n, true
}

func (n *pidNS) Close() { n.f.Close() }

// holds reports whether pid lives in the namespace or in one nested in it.
func (n *pidNS) holds(pid int) bool {
	fd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/pid", pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	// pid namespaces nest at most 32 deep (pid_namespaces(7)).
	for depth := 0; depth <= 32; depth++ {
		var st unix.Stat_t
		if unix.Fstat(fd, &st) == nil && st.Dev == n.id.Dev && st.Ino == n.id.Ino {
			unix.Close(fd)
			return true
		}
		// EPERM once the walk reaches minirun's own namespace.
		parent, err := unix.IoctlRetInt(fd, unix.NS_GET_PARENT)
		unix.Close(fd)
		if err != nil {
			return false
		}
		fd = parent
	}
	unix.Close(fd)
	return false
}
