// Package container owns the parent side of the lifecycle: create, start,
// run, exec, kill, delete, state, list, pause and resume, built on the state
// directory, the cgroup manager and the parent/child protocol.
package container

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/minirun/minirun/pkg/caps"
	"github.com/minirun/minirun/pkg/cgroups"
	"github.com/minirun/minirun/pkg/config"
	"github.com/minirun/minirun/pkg/fault"
	"github.com/minirun/minirun/pkg/hooks"
	"github.com/minirun/minirun/pkg/logs"
	"github.com/minirun/minirun/pkg/namespaces"
	"github.com/minirun/minirun/pkg/protocol"
	"github.com/minirun/minirun/pkg/rootfs"
	"github.com/minirun/minirun/pkg/seccomp"
	"github.com/minirun/minirun/pkg/state"
	"github.com/minirun/minirun/pkg/userns"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Global are the runtime-wide flags.
type Global struct {
	Root          string
	SystemdCgroup bool
	// Rootless is --rootless resolved: the caller may own no cgroup.
	Rootless bool
}

// CreateOptions are the flags of create (and run).
type CreateOptions struct {
	ID, Bundle, PidFile, ConsoleSocket string
	PidfdSocket                        string // --pidfd-socket: receives a pidfd of the init
	NoPivot, NoNewKeyring              bool
	PreserveFds                        int
	// Foreground (run without -d) may use a terminal without a console
	// socket: run proxies it itself.
	Foreground bool
	Audit      AuditOptions
}

// created is a container whose init waits for start.
type created struct {
	st      *state.Container
	spec    *specs.Spec
	pid     int
	console *os.File  // run's end of an internal console socket, if any
	logs    *initLogs // the init's log channel, still forwarding (drain it)
}

// Create builds the container and leaves its init waiting for start.
func Create(g Global, o CreateOptions) error {
	c, err := lockedCreate(g, o)
	if err != nil {
		return err
	}
	c.logs.drain()
	if c.console != nil {
		c.console.Close()
	}
	return nil
}

func create(g Global, o CreateOptions) (*created, error) {
	if err := state.ValidateID(o.ID); err != nil {
		return nil, err
	}
	bundle, err := filepath.Abs(o.Bundle)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	// The bundle's real path: relative bind sources are joined onto it, and
	// one under the rootfs must be recognised as such (then it is resolved
	// inside the rootfs, never through the image's links on the host).
	real := bundle
	if r, err := filepath.EvalSymlinks(bundle); err == nil {
		real = r
	}
	spec, rootfs, err := config.Load(real)
	if err != nil {
		return nil, err
	}
	if err := config.Validate(spec, config.Options{SystemdCgroup: g.SystemdCgroup, SysRoot: "/sys"}); err != nil {
		return nil, err
	}
	if spec.Process.Terminal && o.ConsoleSocket == "" && !o.Foreground {
		return nil, fmt.Errorf("process.terminal: cannot allocate tty if minirun will detach without setting console socket")
	}
	if !spec.Process.Terminal && o.ConsoleSocket != "" {
		return nil, fmt.Errorf("--console-socket: cannot use console socket if process.terminal is false")
	}
	b := &builder{g: g, o: o, spec: spec}
	b.st = &state.Container{ID: o.ID, Bundle: bundle, Rootfs: rootfs, Created: time.Now().UTC(),
		Annotations: spec.Annotations}
	if g.Rootless {
		if err := state.EnsurePrivateRoot(g.Root); err != nil {
			return nil, err
		}
	}
	if err := state.Create(g.Root, b.st); err != nil {
		return nil, err
	}
	fault.Die(fault.AfterStateDir)
	c, err := b.build()
	if err != nil {
		b.cleanup()
		return nil, err
	}
	return c, nil
}

// builder holds what create acquired, so a failure can release all of it.
type builder struct {
	// initEnv is for the init alone (socket activation), never saved.
	initEnv []string

	g     Global
	o     CreateOptions
	spec  *specs.Spec
	st    *state.Container // its Cgroup is set once makeCgroup made them
	child *child
	audit *os.Process // the --audit supervisor, until the container owns it
	srcs  *mountSources
}

func (b *builder) cleanup() {
	if b.child != nil {
		b.child.kill()
	}
	if b.audit != nil {
		b.audit.Kill()
		b.audit.Wait()
	}
	unmountHostMounts(b.st)
	if b.st.Cgroup != nil {
		// An init the bootstrap cloned but never reported is in the
		// cgroup too, and a populated cgroup cannot be removed.
		(&loaded{st: b.st}).killAndWait()
		withCgroupsLock(b.g.Root, b.st.Cgroup.Destroy)
	}
	b.st.Remove()
}

func (b *builder) build() (*created, error) {
	t0 := time.Now()
	phase := func(name string) { logs.Debugf("create %s: %s done after %v", b.o.ID, name, time.Since(t0)) }
	if err := b.st.Save(); err != nil {
		return nil, err
	}
	if err := b.startAudit(); err != nil {
		return nil, err
	}
	if err := b.setupSdNotify(); err != nil {
		return nil, err
	}
	bpf, err := compileSeccomp(b.g, b.spec)
	if err != nil {
		return nil, err
	}
	warnCaps(b.spec.Process)
	if mountNSMode(b.spec) == protocol.MountNSHost {
		logs.Warnf("no mount namespace in the config: the rootfs is only chrooted into, which a process with CAP_SYS_CHROOT can leave")
		if len(b.spec.Mounts) > 0 {
			logs.Warnf("no mount namespace in the config: its mounts are made in the host's mount table (removed at delete)")
			// What is mounted below the rootfs now is not ours; recorded
			// before the init runs, so a create killed half-way still
			// leaves delete --force the difference.
			before, err := rootfs.MountsBelow(b.st.Rootfs)
			if err != nil {
				return nil, fmt.Errorf("read the host's mounts: %w", err)
			}
			b.st.HostMounts, b.st.HostMountsBefore = true, before
			if err := b.st.Save(); err != nil {
				return nil, err
			}
		}
	}
	joins, err := namespaces.OpenJoins(b.spec)
	if err != nil {
		return nil, err
	}
	defer namespaces.CloseJoins(joins)
	phase("validation and seccomp")
	cgroup, err := b.startCgroup(phase)
	if err != nil {
		return nil, err
	}
	// Before build returns, even on an early error: cleanup reads the
	// cgroup the goroutine records.
	defer cgroup.wait()
	startLn, err := listenStart(b.st.Dir())
	if err != nil {
		return nil, err
	}
	defer startLn.Close()
	consoleSock, runEnd, err := consoleSocket(b.o.ConsoleSocket, b.spec.Process.Terminal)
	if err != nil {
		return nil, err
	}
	if consoleSock != nil {
		defer consoleSock.Close()
	}
	var preserved []*os.File
	preserved, b.initEnv, err = preservedFiles(b.o.PreserveFds)
	if err != nil {
		return nil, err
	}
	listener, err := dialListener(b.spec)
	if err != nil {
		return nil, err
	}
	if listener != nil {
		defer listener.Close()
	}
	if b.srcs, err = openMountSources(b.spec, b.st.Rootfs); err != nil {
		return nil, err
	}
	defer b.srcs.Close()
	pidfdSock, err := dialPidfdSocket(b.o.PidfdSocket)
	if err != nil {
		return nil, err
	}
	if pidfdSock != nil {
		defer pidfdSock.Close()
	}
	b.child, err = spawn(spawnSpec{boot: bootstrapFor(b.spec), joins: joins, preserved: preserved,
		console: consoleSock, start: startLn, listener: listener, pending: cgroup, sources: b.srcs.byIndex(),
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
	if err != nil {
		if cerr := cgroup.wait(); cerr != nil {
			return nil, cerr
		}
		return nil, fmt.Errorf("start container init: %w", err)
	}
	phase("spawn")
	fault.Die(fault.AfterBootstrap)
	if err := sendPidfd(pidfdSock, b.child.pid, pidfdInit); err != nil {
		return nil, err
	}
	if err := moveNetDevices(b.g, b.child.pid, b.spec); err != nil {
		return nil, err
	}
	if err := b.handOver(bpf); err != nil {
		return nil, err
	}
	phase("init ready")
	fault.Die(fault.AfterReady)
	return &created{st: b.st, spec: b.spec, pid: b.child.pid, console: runEnd, logs: b.child.logs}, nil
}

// startCgroup makes the container's cgroups. On v1 and hybrid hosts the
// bootstrap joins them itself once it has read its frame
// (cgroups.Placement), so they are made in a goroutine while the
// bootstrap starts (fork, execve of this binary, its C start-up), and
// spawn waits for them just before the frame. On v2 the bootstrap is born
// in its cgroup (CLONE_INTO_CGROUP), which must exist first.
func (b *builder) startCgroup(phase func(string)) (*pendingCgroup, error) {
	layout, err := cgroups.Detect()
	if err != nil {
		return nil, err
	}
	// Not rootless: such a container on v1 gets no cgroup to wait for,
	// and a non-root user's spawn from the sealed copy then failed now and
	// then with EACCES from execve (TestRootlessSysfs, 12 of 40 runs with
	// the overlap; cause not found, not seen as root).
	p := &pendingCgroup{done: make(chan error, 1), afterStart: !layout.IsV2() && !b.g.Rootless, st: b.st}
	if !p.afterStart {
		p.done <- b.makeCgroup(layout)
		if err := p.wait(); err != nil {
			return nil, err
		}
		phase("cgroup")
		return p, nil
	}
	go func() {
		err := b.makeCgroup(layout)
		phase("cgroup (made beside the spawn)")
		p.done <- err
	}()
	return p, nil
}

// pendingCgroup is a container's cgroup being made (startCgroup).
type pendingCgroup struct {
	done       chan error
	afterStart bool // spawn may start the bootstrap before waiting
	once       sync.Once
	err        error
	st         *state.Container
}

// wait returns once the cgroup is made, with makeCgroup's error; again
// the same on later calls.
func (p *pendingCgroup) wait() error {
	p.once.Do(func() {
		if p.err = <-p.done; p.err == nil {
			fault.Die(fault.AfterCgroup)
		}
	})
	return p.err
}

// State is the made cgroup, after wait.
func (p *pendingCgroup) State() *cgroups.State { return p.st.Cgroup }

func (b *builder) makeCgroup(layout cgroups.Layout) error {
	// Because a sibling's record must be read, and this one saved, before
	// a parent they share can be removed (see adoptParents).
	unlock, err := lockCgroups(b.g.Root)
	if err != nil {
		return err
	}
	defer unlock()
	path, err := cgroups.ResolvePath(b.spec.Linux.CgroupsPath, b.o.ID, b.g.SystemdCgroup, layout)
	if err != nil {
		return fmt.Errorf("linux.cgroupsPath: %w", err)
	}
	create, res := cgroups.Create, b.spec.Linux.Resources
	if b.g.Rootless {
		create, res = cgroups.CreateRootless, cgroups.RootlessResources(res)
	}
	b.st.Cgroup, err = create(layout, path, res)
	if err != nil {
		return err
	}

	adoptParents(b.g.Root, b.o.ID, b.st.Cgroup)
	if err := b.st.Save(); err != nil {
		return err
	}
	return b.st.Cgroup.Set(withoutPids(res))
}

// recordInit saves the config, then the init's pid and start time in the
// record, marked Creating: delete can then kill a half-made init, while
// exec, update, start and kill see "creating" until the init is ready
// (recordReady). Before that its mount namespace still has the host's
// root, so a process joining it would resolve paths on the host. The spec
// is final here: --audit and NOTIFY_SOCKET changed it before the spawn.
func recordInit(st *state.Container, spec *specs.Spec, pid int, start uint64) error {
	if err := st.SaveConfig(spec); err != nil {
		return err
	}
	st.Pid, st.PidStart, st.Creating = pid, start, true
	return st.Save()
}

// recordReady marks the init ready: the container is created.
func recordReady(st *state.Container) error {
	st.Creating = false
	return st.Save()
}

// handOver records the pid, sends the config and drives the child through
// hooks to Ready.
func (b *builder) handOver(bpf []byte) (err error) {
	c := b.child
	// On failure now; on success when the caller stops listening (create
	// returns, or run has started the process).
	defer func() {
		if err != nil {
			c.logs.drain()
		}
	}()
	start, _, err := state.ProcStart(c.pid)
	if err != nil {
		return fmt.Errorf("read init start time: %w", err)
	}
	if fault.Is(fault.StopInit) {
		unix.Kill(c.pid, unix.SIGSTOP)
	}
	if err := setOOMScoreAdj(c.pid, b.spec.Process.OOMScoreAdj); err != nil {
		return err
	}
	if err := b.afterSpawn(c.pid); err != nil {
		return err
	}
	cfg := protocol.Config{ID: b.o.ID, Spec: b.spec, Rootfs: b.st.Rootfs, NoPivot: b.o.NoPivot,
		MountNS:      mountNSMode(b.spec),
		NoNewKeyring: b.o.NoNewKeyring, InUserNS: namespaces.Has(b.spec, specs.UserNamespace),
		CgroupDirs: b.st.Cgroup.Dirs(), Fds: c.fds,
		RelayedTerminal: b.spec.Process.Terminal && b.o.ConsoleSocket == "",
		Seccomp:         bpf,
		SeccompState:    notifyState(b.spec, b.st.SpecState("creating"), c.pid)}
	if sc := b.spec.Linux.Seccomp; sc != nil {
		cfg.SeccompFlags = seccomp.LoadFlags(sc)
	}
	cfg.SeccompNotify = seccomp.UsesNotify(b.spec.Linux.Seccomp)
	cfg.Spec = withEnv(cfg.Spec, b.initEnv)
	if err := c.send(cfg, stepBound(nil)); err != nil {
		return fmt.Errorf("send config to init: %w", err)
	}
	// Recorded while the init decodes its config and mounts, not before:
	// the init waited for it otherwise (up to 3.6 ms seen). Nothing the
	// init does before mounts-ready outlives it unrecorded: it exits on
	// this socket's EOF if create dies here, its mounts die with its
	// mount namespace, and a host-namespace create recorded the mounts
	// before (HostMountsBefore).
	if err := recordInit(b.st, b.spec, c.pid, start); err != nil {
		return err
	}
	if err := c.expect(protocol.KindMountsReady, stepBound(nil)); err != nil {
		return fmt.Errorf("unable to start container process: error during container init: %w", err)
	}
	if err := b.recordHostMounts(); err != nil {
		return fmt.Errorf("unable to start container process: error during container init: %w", err)
	}
	logs.Debugf("create %s: rootfs mounted", b.o.ID)
	err = b.setPidsLimit()
	if err == nil {
		err = b.runRuntimeHooks()
	}
	if err != nil {
		protocol.SendError(c.sock, err)
		return err
	}
	if err := c.expect(protocol.KindReady, stepBound(createContainerHooks(b.spec))); err != nil {
		return fmt.Errorf("unable to start container process: error during container init: %w", err)
	}
	c.sock.Close()
	if err := recordReady(b.st); err != nil {
		return err
	}
	return writePidFile(b.o.PidFile, c.pid)
}

func (b *builder) runRuntimeHooks() error {
	stateJSON := b.st.SpecStateJSON("creating")
	if h := b.spec.Hooks; h != nil {
		ctx := hooks.Context{Dir: b.st.Bundle}
		if err := hooks.Prestart.Run(h.Prestart, stateJSON, ctx); err != nil {
			return err
		}
		if err := hooks.CreateRuntime.Run(h.CreateRuntime, stateJSON, ctx); err != nil {
			return err
		}
	}
	return b.child.send(protocol.HookState{Message: protocol.Message{Kind: protocol.KindHooksDone}, State: stateJSON}, stepBound(nil))
}

func bootstrapFor(s *specs.Spec) protocol.Bootstrap {
	b := protocol.Bootstrap{CloneFlags: namespaces.CloneFlags(s)}
	if namespaces.New(s, specs.UserNamespace) {
		b.UIDMappings, b.GIDMappings = s.Linux.UIDMappings, s.Linux.GIDMappings
		// Without CAP_SETUID the bootstrap can write only a map of the
		// caller's own id, and the rest needs the setuid helpers.
		b.SetgroupsDeny, b.ParentMaps = userns.Unprivileged(b.UIDMappings, b.GIDMappings)
	}
	if namespaces.New(s, specs.TimeNamespace) {
		b.TimeOffsets = s.Linux.TimeOffsets
	}
	return b
}

func warnCaps(p *specs.Process) {
	_, warnings := caps.Resolve(p.Capabilities)
	for _, w := range warnings {
		logs.Warnf("%s", w)
	}
}

// listenStart binds the start socket through an fd path, because a state
// dir path may exceed the 108 bytes a unix socket address holds.
func listenStart(dir string) (*os.File, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open state dir: %w", err)
	}
	defer d.Close()
	addr := fmt.Sprintf("/proc/self/fd/%d/%s", d.Fd(), state.StartSock)
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: addr, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("listen on start socket: %w", err)
	}
	l.SetUnlinkOnClose(false)
	f, err := l.File()
	l.Close()
	if err != nil {
		return nil, fmt.Errorf("start socket: %w", err)
	}
	return f, nil
}

// consoleSocket connects to --console-socket; for a foreground terminal
// without one, it makes an internal pair and returns run's end too.
func consoleSocket(path string, terminal bool) (toChild, runEnd *os.File, err error) {
	if !terminal {
		return nil, nil, nil
	}
	if path == "" {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return nil, nil, fmt.Errorf("console socketpair: %w", err)
		}
		return os.NewFile(uintptr(fds[0]), "console"), os.NewFile(uintptr(fds[1]), "console-run"), nil
	}
	conn, err := net.Dial("unix", path)
	if err != nil {
		return nil, nil, fmt.Errorf("--console-socket %s: %w", path, err)
	}
	defer conn.Close()
	f, err := conn.(*net.UnixConn).File()
	if err != nil {
		return nil, nil, fmt.Errorf("--console-socket: %w", err)
	}
	return f, nil, nil
}

// preservedFiles are fds 3.. of the caller passed to the process: those
// systemd socket activation hands over (LISTEN_FDS) and --preserve-fds.
// It returns the activation variables for that process alone: they are
// never saved in the container's config, or every exec would get them.
func preservedFiles(n int) ([]*os.File, []string, error) {
	if n < 0 {
		return nil, nil, fmt.Errorf("--preserve-fds: must not be negative")
	}
	listen := listenFds()
	var env []string
	if listen > 0 {
		env = []string{fmt.Sprintf("LISTEN_FDS=%d", listen), "LISTEN_PID=1"}
	}
	var files []*os.File
	for fd := 3; fd < 3+listen+n; fd++ {
		if !wasInherited(fd) {
			return nil, nil, fmt.Errorf("--preserve-fds: fd %d is not open", fd)
		}
		files = append(files, os.NewFile(uintptr(fd), fmt.Sprintf("preserved-%d", fd)))
	}
	return files, env, nil
}

// withEnv is s for the child only, its process's env extended.
func withEnv(s *specs.Spec, env []string) *specs.Spec {
	if len(env) == 0 {
		return s
	}
	c, p := *s, *s.Process
	p.Env = append(append([]string{}, s.Process.Env...), env...)
	c.Process = &p
	return &c
}

func listenFds() int {
	if os.Getenv("LISTEN_PID") != fmt.Sprint(os.Getpid()) {
		return 0
	}
	var n int
	fmt.Sscan(os.Getenv("LISTEN_FDS"), &n)
	return n
}

func setOOMScoreAdj(pid int, adj *int) error {
	if adj == nil {
		return nil
	}
	path := fmt.Sprintf("/proc/%d/oom_score_adj", pid)
	if err := os.WriteFile(path, []byte(fmt.Sprint(*adj)), 0); err != nil {
		return fmt.Errorf("process.oomScoreAdj: %w", err)
	}
	return nil
}

func mountNSMode(s *specs.Spec) string {
	switch {
	case namespaces.New(s, specs.MountNamespace):
		return protocol.MountNSNew
	case namespaces.Has(s, specs.MountNamespace):
		return protocol.MountNSJoined
	}
	return protocol.MountNSHost
}
