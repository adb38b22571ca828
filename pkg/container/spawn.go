package container

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/minirun/minirun/pkg/cgroups"
	"github.com/minirun/minirun/pkg/fault"
	"github.com/minirun/minirun/pkg/logs"
	"github.com/minirun/minirun/pkg/namespaces"
	"github.com/minirun/minirun/pkg/protocol"
	"golang.org/x/sys/unix"
)

// spawnSpec is what starting a child needs.
type spawnSpec struct {
	boot      protocol.Bootstrap // JoinFds and LastFd are filled in here
	joins     []namespaces.Join
	preserved []*os.File // become fds 3.. in the child, in order
	console   *os.File
	start     *os.File
	listener  *os.File // connected to linux.seccomp.listenerPath
	cgroup    *cgroups.State
	pending   *pendingCgroup // instead of cgroup: one being made (startCgroup)
	stdin     *os.File
	stdout    *os.File
	stderr    *os.File
	sources   map[int]*os.File // mount index -> bind source tree, see rootfs.OpenSources
}

// child is a spawned init or exec process, released from the bootstrap.
type child struct {
	pid    int
	sock   *os.File
	fds    protocol.ChildFds // what the child holds, for its Config
	reaped bool              // waited for: its pid is no longer ours to signal
	logs   *initLogs
}

// spawn starts the binary as `minirun init` from a read-only clone of its
// mount (a sealed memfd copy where the kernel refuses; exe.go), places the bootstrap
// process in the container's cgroup (so everything it clones is born
// there), sends the bootstrap and returns the cloned child's pid.
func spawn(s spawnSpec) (*child, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("socketpair: %w", err)
	}
	// Non-blocking, so the parent's end takes deadlines; the child's stays
	// blocking, as the C bootstrap expects.
	if err := unix.SetNonblock(fds[0], true); err != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return nil, fmt.Errorf("socketpair: %w", err)
	}
	parentSock, childSock := os.NewFile(uintptr(fds[0]), "init-parent"), os.NewFile(uintptr(fds[1]), "init-child")

	initLogs, err := newInitLogs()
	if err != nil {
		parentSock.Close()
		childSock.Close()
		return nil, err
	}
	extra, numbers := protocol.FdSlots{Preserved: s.preserved, Sock: childSock, Console: s.console, Start: s.start,
		Listener: s.listener, Log: initLogs.childEnd(), MountSources: s.sources, Joins: joinFiles(s.joins)}.Layout()
	c := &child{sock: parentSock, fds: numbers, logs: initLogs}
	boot := s.boot
	for i, j := range s.joins {
		boot.JoinFds = append(boot.JoinFds, protocol.JoinFd{Flag: j.Kind.Flag, Fd: numbers.Joins[i]})
	}
	boot.LastFd = numbers.LastFd
	cmd := &exec.Cmd{
		Args:       []string{"minirun", "init"},
		Env:        []string{protocol.BootstrapEnv + "=" + strconv.Itoa(numbers.Sock)},
		Stdin:      s.stdin,
		Stdout:     s.stdout,
		Stderr:     s.stderr,
		ExtraFiles: extra,
	}
	// The bootstrap is in the container's cgroups before it clones
	// anything: born there on v2, the rest below (cgroups.Placement).
	// A cgroup still being made on v1 is waited for after the start.
	later := s.pending != nil && s.pending.afterStart
	var place *cgroups.Placement
	if !later {
		place, err = s.placement()
		if err != nil {
			parentSock.Close()
			childSock.Close()
			return nil, err
		}
		defer place.Close()
		if fd, ok := place.CgroupFD(); ok {
			cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: fd}
		}
	}
	err = startProtected(cmd)
	// Because a copy kept here would hide the child's death: the read of
	// its reply would never see EOF.
	childSock.Close()
	c.logs.started()
	if err != nil {
		parentSock.Close()
		return nil, fmt.Errorf("start init: %w", err)
	}
	logs.Debugf("spawn: bootstrap process started")
	if fault.Is(fault.KillBootstrap) {
		cmd.Process.Kill()
	}
	if later {
		// Meanwhile the bootstrap waits for its frame.
		if place, err = s.placement(); err == nil {
			defer place.Close()
			if _, ok := place.CgroupFD(); ok {
				err = errors.New("cgroup: a v2 placement after the bootstrap started")
			}
		}
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			parentSock.Close()
			return nil, err
		}
	}
	// On v1 the bootstrap process moves itself (cheaper, see nsenter.c).
	boot.CgroupTasks = place.Tasks
	pid, err := bootstrap(cmd, parentSock, boot, place)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		parentSock.Close()
		return nil, err
	}
	c.pid = pid
	return c, nil
}

// placement is the bootstrap's route into its cgroups, once they exist.
func (s spawnSpec) placement() (*cgroups.Placement, error) {
	cg := s.cgroup
	if s.pending != nil {
		if err := s.pending.wait(); err != nil {
			return nil, err
		}
		cg = s.pending.State()
	}
	return cg.Placement()
}

func bootstrap(cmd *exec.Cmd, sock *os.File, boot protocol.Bootstrap, place *cgroups.Placement) (int, error) {
	// Only a hybrid host's unified directory is joined from here, before
	// the frame: once sent, the bootstrap may clone.
	if err := place.Join(cmd.Process.Pid); err != nil {
		return 0, err
	}
	logs.Debugf("spawn: bootstrap process in its cgroup")
	frame, err := boot.Encode()
	if err != nil {
		return 0, err
	}
	// Bounded: a stopped bootstrap would never answer, nor exit for the
	// Wait below; the watchdog kills it then. The deadline stays on the
	// socket for the caller's first send (the config) too.
	bound := fault.Bound(childWait)
	sock.SetDeadline(time.Now().Add(bound))
	defer watchdog(cmd, bound)()
	if err := protocol.WriteFrame(sock, frame); err != nil {
		return 0, fmt.Errorf("send bootstrap: %w", err)
	}
	reply, err := readBootReply(sock)
	if err == nil && reply.Kind == protocol.ReplyMaps && boot.ParentMaps {
		if reply, err = answerMaps(sock, reply.Pid, boot); err != nil {
			cmd.Wait()
			return 0, err
		}
	}
	logs.Debugf("spawn: child cloned")
	werr := cmd.Wait()
	var bad badReply
	if errors.As(err, &bad) {
		return 0, err
	}
	if err != nil {
		return 0, bootstrapFailed(err, werr, bound)
	}
	switch reply.Kind {
	case protocol.ReplyPid:
		return reply.Pid, nil
	case protocol.ReplyError:
		return 0, errors.New(reply.Err)
	case protocol.ReplyFromInit:
		return 0, fmt.Errorf("the namespace bootstrap did not run (minirun built with CGO_ENABLED=0?): %s", reply.Err)
	}
	return 0, fmt.Errorf("bootstrap: unexpected reply type %d", reply.Kind)
}

func joinFiles(js []namespaces.Join) []*os.File {
	out := make([]*os.File, 0, len(js))
	for _, j := range js {
		out = append(out, j.File)
	}
	return out
}

// kill stops a child that failed before it was handed over, and reaps it;
// one already reaped is left alone, as its pid may be another's now.
func (c *child) kill() {
	if !c.reaped {
		unix.Kill(c.pid, unix.SIGKILL)
		var ws unix.WaitStatus
		unix.Wait4(c.pid, &ws, 0, nil)
		c.reaped = true
	}
	c.sock.Close()
}

// startProtected starts the bootstrap so that its /proc/PID/exe can never
// be written by the container: from a read-only clone of the binary's
// mount or, where the kernel refuses one, from a sealed memfd copy.
func startProtected(cmd *exec.Cmd) error {
	err := startFromReadonlyClone(cmd)
	var noClone errNoClone
	if !errors.As(err, &noClone) {
		return err
	}
	logs.Debugf("spawn: %v; copying the binary", err)
	exe, err := sealedExe()
	if err != nil {
		return err
	}
	defer exe.Close()
	return startFromFd(cmd, int(exe.Fd()))
}
