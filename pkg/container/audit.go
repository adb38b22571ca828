package container

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/minirun/minirun/pkg/audit"
	"github.com/minirun/minirun/pkg/logs"
	"github.com/minirun/minirun/pkg/state"
	"golang.org/x/sys/unix"
)

// AuditOptions are create's --audit FILE and --audit-syscalls LIST.
type AuditOptions struct {
	Log      string
	Syscalls []string // nil: audit.DefaultSyscalls
}

// auditSock is the supervisor's socket in the state dir, where only root
// can reach it (the seccomp listenerPath of the container).
const auditSock = "audit.sock"

// startAudit starts `minirun audit-listen` for the container and turns the
// audited syscalls of its profile into notifications (audit.Merge: what
// the profile denies stays denied). The supervisor is recorded in the state,
// so delete can stop it even if the container never loaded its filter.
func (b *builder) startAudit() error {
	a := b.o.Audit
	if a.Log == "" {
		if a.Syscalls != nil {
			return errors.New("--audit-syscalls needs --audit FILE")
		}
		return nil
	}
	if sc := b.spec.Linux.Seccomp; sc != nil && sc.ListenerPath != "" {
		return fmt.Errorf("--audit: the config has its own linux.seccomp.listenerPath %q; one agent per container", sc.ListenerPath)
	}
	list := a.Syscalls
	if list == nil {
		list = audit.DefaultSyscalls
	}
	merged, skipped := audit.Merge(b.spec.Linux.Seccomp, list)
	if len(skipped) > 0 {
		logs.Warnf("--audit: %s not logged: the profile decides them itself (denied or by arguments)", strings.Join(skipped, ", "))
	}
	if len(skipped) == len(list) {
		return fmt.Errorf("--audit: none of %s can be audited under this profile", strings.Join(list, ", "))
	}
	logPath, err := filepath.Abs(a.Log)
	if err != nil {
		return fmt.Errorf("--audit: %w", err)
	}
	// Opened once, here: the supervisor gets the file itself (fd 3), so
	// the path is never looked up again, and a bad one fails create.
	logFile, err := audit.OpenLog(logPath)
	if err != nil {
		return fmt.Errorf("--audit: %w", err)
	}
	defer logFile.Close()
	sock := filepath.Join(b.st.Dir(), auditSock)
	if len(sock) >= len(unix.RawSockaddrUnix{}.Path) {
		return fmt.Errorf("--audit: socket path %s is too long for a unix socket; use a shorter --root", sock)
	}
	cmd := exec.Command("/proc/self/exe", "audit-listen", "--log-fd", "3", "--log", logPath, sock)
	cmd.ExtraFiles = []*os.File{logFile}
	cmd.Args[0] = "minirun"
	// Its own session: a terminal's hangup or run's signals do not reach it;
	// it exits when the container's filters are gone (or delete stops it).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("--audit: start the supervisor: %w", err)
	}
	b.audit = cmd.Process
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	if err := waitForSocket(sock, exited); err != nil {
		return fmt.Errorf("--audit: the supervisor: %w", err)
	}
	start, _, err := state.ProcStart(cmd.Process.Pid)
	if err != nil {
		return fmt.Errorf("--audit: the supervisor: %w", err)
	}
	b.st.Audit = &state.Helper{Pid: cmd.Process.Pid, Start: start}
	merged.ListenerPath = sock
	b.spec.Linux.Seccomp = merged
	return b.st.Save()
}

// waitForSocket waits, bounded, until the supervisor listens on sock.
func waitForSocket(sock string, exited <-chan error) error {
	deadline := time.Now().Add(5 * time.Second)
	for delay := 100 * time.Microsecond; ; delay = min(delay*2, 10*time.Millisecond) {
		if fi, err := os.Lstat(sock); err == nil && fi.Mode().Type() == os.ModeSocket {
			return nil
		}
		select {
		case err := <-exited:
			return fmt.Errorf("exited before listening: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not listening on %s after 5s", sock)
		}
		time.Sleep(delay)
	}
}

// stopAudit stops the container's supervisor, if it is still the process
// minirun started (pid and start time both match).
func stopAudit(h *state.Helper) {
	if h == nil {
		return
	}
	pidfd, err := unix.PidfdOpen(h.Pid, 0)
	if err != nil {
		return
	}
	defer unix.Close(pidfd)
	if start, zombie, err := state.ProcStart(h.Pid); err != nil || zombie || start != h.Start {
		return
	}
	unix.PidfdSendSignal(pidfd, unix.SIGTERM, nil, 0)
}

// ParseSyscallList splits --audit-syscalls' comma-separated names.
func ParseSyscallList(s string) ([]string, error) {
	names := strings.Split(s, ",")
	for i, n := range names {
		names[i] = strings.TrimSpace(n)
		if names[i] == "" {
			return nil, fmt.Errorf("--audit-syscalls %q: empty syscall name", s)
		}
	}
	return slices.Compact(names), nil
}
