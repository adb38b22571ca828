package container

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/minirun/minirun/pkg/config"
	"github.com/minirun/minirun/pkg/console"
	"github.com/minirun/minirun/pkg/fault"
	"github.com/minirun/minirun/pkg/namespaces"
	"github.com/minirun/minirun/pkg/protocol"
	"github.com/minirun/minirun/pkg/rlimits"
	"github.com/minirun/minirun/pkg/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// ExecOptions describe the process to run in a running container.
type ExecOptions struct {
	ID             string
	ProcessFile    string // --process: a process.json replacing everything below
	Args           []string
	Env            []string
	Cwd            string
	User           string // UID[:GID]
	AdditionalGids []int
	Caps           []string
	Tty            bool
	NoNewPrivs     bool
	AppArmor       string
	PidFile        string
	ConsoleSocket  string
	PidfdSocket    string // --pidfd-socket: receives a pidfd of the process
	Detach         bool
	PreserveFds    int
	IgnorePaused   bool   // --ignore-paused: exec into a frozen cgroup
	SubCgroup      string // --cgroup: an existing sub-cgroup to run in
}

// Exec runs a process inside every namespace and the cgroup of a running
// container. In the foreground it returns the process's exit status.
func Exec(g Global, o ExecOptions) (int, error) {
	// Locked until the process is exec'd, not while it runs: a delete
	// waits for the spawn, never for the process. Not with
	// --ignore-paused: that spawn waits in a frozen cgroup for a resume
	// or kill, which the lock would keep out.
	var c *child
	var runEnd *os.File
	var sigs *signalRelay
	if !o.Detach {
		sigs = catchSignals()
		defer sigs.stop()
	}
	spawn := func() error {
		var err error
		c, runEnd, err = startExec(g, o)
		return err
	}
	var err error
	if o.IgnorePaused {
		err = spawn()
	} else {
		err = withLock(g.Root, o.ID, spawn)
	}
	if err != nil {
		return 1, err
	}
	if err := writePidFile(o.PidFile, c.pid); err != nil {
		return 1, err
	}
	if o.Detach {
		return 0, nil
	}
	return foreground(c, runEnd, sigs)
}

// startExec checks the container and spawns the process.
func startExec(g Global, o ExecOptions) (*child, *os.File, error) {
	l, err := load(g.Root, o.ID)
	if err != nil {
		return nil, nil, err
	}
	if err := checkExec(l.st.Status(), o.IgnorePaused); err != nil {
		return nil, nil, err
	}
	spec, err := l.st.Config()
	if err != nil {
		return nil, nil, err
	}
	proc, err := buildProcess(spec.Process, o)
	if err != nil {
		return nil, nil, err
	}
	if err := config.ValidateProcess(proc, "process"); err != nil {
		return nil, nil, err
	}
	if proc.Terminal && o.ConsoleSocket == "" && o.Detach {
		return nil, nil, fmt.Errorf("cannot allocate tty if minirun will detach without setting console socket")
	}
	spec.Process = proc
	return l.spawnExec(g, spec, o)
}

// foreground proxies the terminal, forwards signals and waits for the process.
func foreground(c *child, runEnd *os.File, sigs *signalRelay) (int, error) {
	var restore func()
	if runEnd != nil {
		master, err := console.RecvFd(runEnd, childWait)
		runEnd.Close()
		if err != nil {
			return 1, err
		}
		restore = console.Proxy(master)
	}
	sigs.forwardTo(c.pid)
	code := waitExit(c.pid)
	if restore != nil {
		restore()
	}
	return code, nil
}

func (l *loaded) spawnExec(g Global, spec *specs.Spec, o ExecOptions) (*child, *os.File, error) {
	bpf, err := compileSeccomp(g, spec)
	if err != nil {
		return nil, nil, err
	}
	joins, err := l.openNamespaces(spec)
	if err != nil {
		return nil, nil, err
	}
	defer namespaces.CloseJoins(joins)
	consoleSock, runEnd, err := consoleSocket(o.ConsoleSocket, spec.Process.Terminal)
	if err != nil {
		return nil, nil, err
	}
	if consoleSock != nil {
		defer consoleSock.Close()
	}
	preserved, env, err := preservedFiles(o.PreserveFds)
	if err != nil {
		return nil, nil, err
	}
	spec = withEnv(spec, env)
	listener, err := dialListener(spec)
	if err != nil {
		return nil, nil, err
	}
	if listener != nil {
		defer listener.Close()
	}
	pidfdSock, err := dialPidfdSocket(o.PidfdSocket)
	if err != nil {
		return nil, nil, err
	}
	if pidfdSock != nil {
		defer pidfdSock.Close()
	}
	cg := l.st.Cgroup
	if o.SubCgroup != "" {
		if cg, err = l.st.Cgroup.Sub(o.SubCgroup); err != nil {
			return nil, nil, err
		}
	}
	c, err := spawn(spawnSpec{joins: joins, preserved: preserved, console: consoleSock, listener: listener,
		cgroup: cg, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
	if err != nil {
		return nil, nil, fmt.Errorf("exec: %w", err)
	}
	if fault.Is(fault.StopInit) {
		unix.Kill(c.pid, unix.SIGSTOP)
	}
	cfg := protocol.Config{Exec: true, ID: l.st.ID, Spec: spec, Fds: c.fds,
		RelayedTerminal: spec.Process.Terminal && o.ConsoleSocket == "",
		Seccomp:         bpf,
		SeccompState:    notifyState(spec, l.st.SpecState("running"), c.pid)}
	if spec.Linux.Seccomp != nil {
		cfg.SeccompFlags = seccomp.LoadFlags(spec.Linux.Seccomp)
	}
	cfg.SeccompNotify = seccomp.UsesNotify(spec.Linux.Seccomp)
	err = sendPidfd(pidfdSock, c.pid, pidfdExec)
	if err == nil {
		err = setOOMScoreAdj(c.pid, spec.Process.OOMScoreAdj)
	}
	if err == nil {
		err = rlimits.RaiseHard(c.pid, spec.Process.Rlimits)
	}
	if err == nil {
		err = protocol.Send(c.sock, cfg)
	}
	if err == nil {
		err = waitExecReady(c)
	}
	if err != nil {
		c.kill()
		return nil, nil, fmt.Errorf("unable to start container process: %w", err)
	}
	return c, runEnd, nil
}

// waitExecReady returns once the process has exec'd: Ready, then EOF as
// the close-on-exec socket closes; an Error frame instead is the failure.
func waitExecReady(c *child) error {
	defer c.logs.drain()
	defer c.sock.Close()
	if err := c.expect(protocol.KindReady, stepBound(nil)); err != nil {
		return err
	}
	var m protocol.Message
	c.sock.SetDeadline(time.Now().Add(stepBound(nil)))
	err := protocol.Recv(c.sock, &m)
	if errors.Is(err, protocol.ErrClosed) {
		return nil
	}
	if err == nil {
		return errors.New(m.Error)
	}
	return c.explain(err, stepBound(nil))
}

// openNamespaces opens the init's namespaces the config lists (new or
// joined), then checks the init is still ours, so a recycled pid cannot
// hand us a stranger's namespaces.
func (l *loaded) openNamespaces(spec *specs.Spec) ([]namespaces.Join, error) {
	var joins []namespaces.Join
	for _, t := range namespaces.JoinOrder {
		if !namespaces.Has(spec, t) {
			continue
		}
		k := namespaces.Kinds[t]
		f, err := namespaces.OpenNS(fmt.Sprintf("/proc/%d/ns/%s", l.st.Pid, k.ProcName), k)
		if err != nil {
			namespaces.CloseJoins(joins)
			return nil, fmt.Errorf("join %s namespace: %w", t, err)
		}
		joins = append(joins, namespaces.Join{Kind: k, File: f})
	}
	if !l.st.Alive() {
		namespaces.CloseJoins(joins)
		return nil, ErrNotRunning
	}
	return joins, nil
}
