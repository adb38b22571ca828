package initproc

import (
	"fmt"
	"net"
	"os"

	"github.com/minirun/minirun/pkg/console"
	"github.com/minirun/minirun/pkg/hooks"
	"github.com/minirun/minirun/pkg/logs"
	"github.com/minirun/minirun/pkg/protocol"
	"github.com/minirun/minirun/pkg/rootfs"
	"github.com/minirun/minirun/pkg/userns"
	"golang.org/x/sys/unix"
)

// createSequence builds the container and waits for `start`.
func createSequence(c *protocol.Config, sock *os.File) error {
	s := c.Spec
	// Because runc's init runs with 0022 when process.user.umask is unset,
	// never with the caller's umask (finalizeRootfs); set first, so the
	// directories made for mounts do not depend on the caller either.
	if s.Process.User.Umask == nil {
		unix.Umask(0o022)
	}
	// Because after pivot_root the container's /proc is no longer trusted
	// (CVE-2025-52881), LSM attr files are opened now, in a private procfs (privateProc).
	lsm, err := openLSM(s.Process)
	if err != nil {
		return err
	}
	defer lsm.Close()
	b, err := buildRootfs(c)
	if err != nil {
		return err
	}
	defer b.Close()
	logs.Debugf("rootfs %s: %d mounts made (mount namespace: %s)", c.Rootfs, len(s.Mounts), c.MountNS)
	stateJSON, err := runtimeHooks(sock)
	if err != nil {
		return err
	}
	if s.Hooks != nil {
		if err := hooks.CreateContainer.Run(s.Hooks.CreateContainer, stateJSON, hooks.Context{Dir: c.Rootfs, Env: []string{}}); err != nil {
			return err
		}
	}
	// Because /proc/sys on the runtime's own /proc resolves to the calling
	// thread's namespaces, sysctls are written there, never through the image.
	if err := writeSysctls(s.Linux.Sysctl); err != nil {
		return err
	}
	pty, err := setupConsole(c, b.Root())
	if err != nil {
		return err
	}
	if err := b.enterRoot(s.Process.Cwd); err != nil {
		return err
	}
	logs.Debugf("masked %d and read-only %d paths, root entered", len(s.Linux.MaskedPaths), len(s.Linux.ReadonlyPaths))
	// Because no descriptor the init opened may be open when args[0] and
	// the cwd are resolved (CVE-2024-21626); the root is "/" from here on.
	b.Close()
	if err := setIdentity(s); err != nil {
		return err
	}
	if pty != nil {
		if err := console.SetControlling(pty); err != nil {
			return err
		}
		pty.Close()
	}
	if err := joinKeyring(c); err != nil {
		return err
	}
	p, err := prepareProcess(c, lsm)
	logs.Debugf("process prepared: user %d:%d, capabilities and no_new_privs applied, seccomp %s", s.Process.User.UID, s.Process.User.GID, seccompWhen(p))
	if err != nil {
		return err
	}
	if err := protocol.Send(sock, protocol.Message{Kind: protocol.KindReady}); err != nil {
		return fmt.Errorf("report ready: %w", err)
	}
	return waitForStart(c, p)
}

// runtimeHooks asks the parent to run prestart and createRuntime hooks in
// the runtime's namespaces, and returns the state JSON it sends back.
func runtimeHooks(sock *os.File) ([]byte, error) {
	if err := protocol.Send(sock, protocol.Message{Kind: protocol.KindMountsReady}); err != nil {
		return nil, fmt.Errorf("report mounts ready: %w", err)
	}
	var reply protocol.HookState
	if err := protocol.Recv(sock, &reply); err != nil {
		return nil, err
	}
	if reply.Kind == protocol.KindError {
		return nil, fmt.Errorf("%s", reply.Error)
	}
	return reply.State, nil
}

// containerRoot is the rootfs being built, or, when the config joins an
// existing mount namespace, that namespace's root used as it is.
type containerRoot struct {
	b      rootfs.Builder
	root   int
	chroot bool
}

func openRoot(path string) (*containerRoot, error) {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open root %s: %w", path, err)
	}
	return &containerRoot{root: fd}, nil
}

func buildRootfs(c *protocol.Config) (*containerRoot, error) {
	switch c.MountNS {
	case protocol.MountNSHost:
		// The host's mount table: only the config's mounts are made there
		// (the parent recorded them for delete); the rootfs is only
		// chrooted into.
		if len(c.Spec.Mounts) == 0 {
			r, err := openRoot(c.Rootfs)
			if err == nil {
				r.chroot = true
			}
			return r, err
		}
		fd, err := rootfs.MountInHostNamespace(rootfs.Config{Spec: c.Spec, Rootfs: c.Rootfs, InUserNS: c.InUserNS,
			CgroupDirs: c.CgroupDirs, MountLabel: mountLabel(c.Spec), SourceFds: c.Fds.MountSources})
		if err != nil {
			return nil, err
		}
		return &containerRoot{root: fd, chroot: true}, nil
	}
	s := c.Spec
	b, err := rootfs.Open(rootfs.Config{Spec: s, Rootfs: c.Rootfs, NoPivot: c.NoPivot,
		// A config without a user namespace may still run in one: rootless
		// podman runs the runtime inside its own, where mknod and sysfs are
		// refused just the same.
		InUserNS: c.InUserNS || userns.InNonHostUserNS(), CgroupDirs: c.CgroupDirs, MountLabel: mountLabel(s),
		SourceFds: c.Fds.MountSources})
	if err != nil {
		return nil, err
	}
	if err := b.Mount(); err != nil {
		b.Close()
		return nil, err
	}
	return &containerRoot{b: b, root: b.Root()}, nil
}

func (r *containerRoot) Root() int { return r.root }

// Close releases the rootfs handles; it may be called more than once.
func (r *containerRoot) Close() {
	if r.b != nil {
		r.b.Close()
	} else if r.root >= 0 {
		unix.Close(r.root)
	}
	r.root = -1
}

// enterRoot creates a missing cwd, masks and protects paths, pivots and
// finalizes the root. The cwd comes first because runc makes it before the
// read-only root and paths apply.
func (r *containerRoot) enterRoot(cwd string) error {
	if r.root >= 0 {
		if err := rootfs.CreateCwd(r.root, cwd); err != nil {
			return err
		}
	}
	if r.chroot {
		if err := unix.Fchdir(r.root); err != nil {
			return fmt.Errorf("chdir to rootfs: %w", err)
		}
		if err := unix.Chroot("."); err != nil {
			return fmt.Errorf("chroot: %w", err)
		}
		return unix.Chdir("/")
	}
	if r.b == nil {
		return nil
	}
	if err := r.b.MaskPaths(); err != nil {
		return err
	}
	if err := r.b.ReadonlyPaths(); err != nil {
		return err
	}
	if err := r.b.PivotRoot(); err != nil {
		return err
	}
	return r.b.Finalize()
}

// waitForStart blocks until `start` connects, then runs startContainer hooks
// and execs. The connection is close-on-exec: `start` reads EOF on success
// and an error message otherwise.
func waitForStart(c *protocol.Config, p *prepared) error {
	ln := os.NewFile(uintptr(c.Fds.Start), "start.sock")
	l, err := net.FileListener(ln)
	ln.Close()
	if err != nil {
		return fmt.Errorf("start socket: %w", err)
	}
	var conn net.Conn
	var msg protocol.HookState
	for {
		conn, err = l.Accept()
		if err != nil {
			return fmt.Errorf("wait for start: %w", err)
		}
		// A stray connection that does not speak the protocol is ignored.
		if err := protocol.Recv(conn, &msg); err == nil && msg.Kind == protocol.KindStart {
			break
		}
		conn.Close()
	}
	l.Close()
	// startAndExec returns only when the exec did not happen. As runc's
	// init, the error also goes alone to the container's stderr, where the
	// user of `run` sees it, and the status is 255.
	err = startAndExec(c, p, msg.State)
	protocol.SendError(conn.(*net.UnixConn), err)
	fmt.Fprintln(os.Stderr, err)
	unix.Exit(255)
	return nil
}

func startAndExec(c *protocol.Config, p *prepared, state []byte) error {
	// Because runc loads the filter before startContainer hooks, which
	// run as the container's own processes: a filter that forbids what a
	// hook does makes start fail, as its users expect.
	if err := p.loadLateSeccomp(); err != nil {
		return err
	}
	if s := c.Spec; s.Hooks != nil {
		if err := hooks.StartContainer.Run(s.Hooks.StartContainer, state, hooks.Context{Env: p.env}); err != nil {
			return err
		}
	}
	return p.exec()
}
