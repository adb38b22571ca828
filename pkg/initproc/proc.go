package initproc

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/minirun/minirun/pkg/apparmor"
	"github.com/minirun/minirun/pkg/console"
	"github.com/minirun/minirun/pkg/protocol"
	"github.com/minirun/minirun/pkg/rootfs"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// privateProc mounts a fresh, detached procfs (fsopen(2)) that no container
// process can have tampered with, and returns its root fd.
func privateProc() (*os.File, error) {
	fsfd, err := unix.Fsopen("proc", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("fsopen proc: %w", err)
	}
	defer unix.Close(fsfd)
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return nil, fmt.Errorf("create procfs: %w", err)
	}
	mfd, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOEXEC)
	if err != nil {
		return nil, fmt.Errorf("mount procfs: %w", err)
	}
	return os.NewFile(uintptr(mfd), "proc"), nil
}

// lsmAttrs holds the attr files opened before the container's /proc could
// be trusted no more.
type lsmAttrs struct {
	apparmor *os.File
	profile  string
	selinux  *os.File
	label    string
}

// Close releases the attr files; it may be called more than once.
func (l *lsmAttrs) Close() {
	for _, f := range []*os.File{l.apparmor, l.selinux} {
		if f != nil {
			f.Close()
		}
	}
	l.apparmor, l.selinux = nil, nil
}

// openLSM opens the exec attr files on a private procfs. An SELinux label
// on a host without SELinux is ignored (runtime-tools linux_mount_label);
// an AppArmor profile without AppArmor was refused by the parent.
func openLSM(p *specs.Process) (*lsmAttrs, error) {
	l := &lsmAttrs{}
	wantSELinux := p.SelinuxLabel != "" && selinuxEnabled()
	if p.ApparmorProfile == "" && !wantSELinux {
		return l, nil
	}
	proc, err := privateProc()
	if err != nil {
		return nil, err
	}
	defer proc.Close()
	procRoot := fmt.Sprintf("/proc/self/fd/%d", proc.Fd())
	if p.ApparmorProfile != "" {
		f, err := apparmor.OpenExecAttr(procRoot)
		if err != nil {
			return nil, err
		}
		l.apparmor, l.profile = f, p.ApparmorProfile
	}
	if wantSELinux {
		f, err := os.OpenFile(procRoot+"/thread-self/attr/exec", os.O_WRONLY, 0)
		if err != nil {
			l.Close()
			return nil, fmt.Errorf("open selinux exec attr: %w", err)
		}
		l.selinux, l.label = f, p.SelinuxLabel
	}
	return l, nil
}

func (l *lsmAttrs) apply() error {
	if l.selinux != nil {
		if _, err := l.selinux.Write([]byte(l.label)); err != nil {
			return fmt.Errorf("set selinux label %q: %w", l.label, err)
		}
	}
	if l.apparmor == nil {
		return nil
	}
	return apparmor.ApplyOnExec(l.apparmor, l.profile)
}

func mountLabel(s *specs.Spec) string {
	if !selinuxEnabled() {
		return ""
	}
	return s.Linux.MountLabel
}

func selinuxEnabled() bool {
	var st unix.Statfs_t
	return unix.Statfs("/sys/fs/selinux", &st) == nil && st.Type == unix.SELINUX_MAGIC
}

// writeSysctls writes through a private procfs (privateProc); sysctl files
// act on the writing thread's namespaces (the container's).
func writeSysctls(sysctl map[string]string) error {
	if len(sysctl) == 0 {
		return nil
	}
	proc, err := privateProc()
	if err != nil {
		return err
	}
	defer proc.Close()
	for k, v := range sysctl {
		rel := filepath.Join("sys", strings.ReplaceAll(k, ".", "/"))
		how := unix.OpenHow{Flags: unix.O_WRONLY | unix.O_CLOEXEC | unix.O_TRUNC,
			Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_XDEV}
		fd, err := unix.Openat2(int(proc.Fd()), rel, &how)
		if err != nil {
			return fmt.Errorf("linux.sysctl %s: %w", k, err)
		}
		_, err = unix.Write(fd, []byte(v))
		unix.Close(fd)
		if err != nil {
			return fmt.Errorf("linux.sysctl %s=%s: %w", k, v, err)
		}
	}
	return nil
}

// setupConsole creates the container's pty in its own devpts and hands the
// master to the console socket. root is the container's root dirfd.
func setupConsole(c *protocol.Config, root int) (*os.File, error) {
	if !c.Spec.Process.Terminal {
		return nil, nil
	}
	if c.Fds.Console < 0 {
		return nil, fmt.Errorf("process.terminal: a console socket is required")
	}
	sock := os.NewFile(uintptr(c.Fds.Console), "console-socket")
	defer sock.Close()
	ptmx, err := rootfs.OpenInRoot(root, "/dev/pts/ptmx", unix.O_RDWR|unix.O_NOCTTY)
	if err != nil {
		ptmx, err = rootfs.OpenInRoot(root, "/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY)
	}
	if err != nil {
		return nil, fmt.Errorf("process.terminal: %w", err)
	}
	master, slave, err := console.OpenPtyAs(ptmx, int(c.Spec.Process.User.UID))
	if err != nil {
		ptmx.Close()
		return nil, err
	}
	defer master.Close()
	if cs := c.Spec.Process.ConsoleSize; cs != nil {
		console.SetSize(master, uint16(cs.Height), uint16(cs.Width))
	}
	if c.RelayedTerminal {
		// Now, not in the relaying parent: the process may write at once.
		if err := console.ClearONLCR(master); err != nil {
			slave.Close()
			return nil, fmt.Errorf("process.terminal: %w", err)
		}
	}
	if err := console.SendFd(sock, master); err != nil {
		slave.Close()
		return nil, err
	}
	return slave, nil
}

// setIdentity sets the hostname and domain name of the new uts namespace.
func setIdentity(s *specs.Spec) error {
	if s.Hostname != "" {
		if err := unix.Sethostname([]byte(s.Hostname)); err != nil {
			return fmt.Errorf("hostname %q: %w", s.Hostname, err)
		}
	}
	if s.Domainname != "" {
		if err := unix.Setdomainname([]byte(s.Domainname)); err != nil {
			return fmt.Errorf("domainname %q: %w", s.Domainname, err)
		}
	}
	return nil
}

// joinKeyring gives the container a session keyring of its own, so it
// cannot read the host's session keys (runc does the same).
func joinKeyring(c *protocol.Config) error {
	if c.NoNewKeyring {
		return nil
	}
	if _, err := unix.KeyctlJoinSessionKeyring("_ses." + c.ID); err != nil && err != unix.ENOSYS && err != unix.EPERM {
		return fmt.Errorf("join session keyring: %w", err)
	}
	return nil
}
