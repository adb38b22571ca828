// Package apparmor owns process.apparmorProfile: detecting AppArmor,
// applying a profile at exec through the attr file opened in a private
// procfs before pivot_root (CVE-2025-52881), and a default profile.
package apparmor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ErrNotEnabled is returned when a profile is asked for on a host without AppArmor.
var ErrNotEnabled = errors.New("apparmor is not enabled on this host")

// Enabled reports whether the kernel has AppArmor switched on, reading
// the module parameter under sysRoot (normally "/sys").
func Enabled(sysRoot string) bool {
	b, err := os.ReadFile(filepath.Join(sysRoot, "module/apparmor/parameters/enabled"))
	return err == nil && strings.HasPrefix(string(b), "Y")
}

// Validate fails closed: a config naming a profile on a host without
// AppArmor is refused rather than run unconfined.
func Validate(s *specs.Spec, sysRoot string) error {
	if s.Process == nil || s.Process.ApparmorProfile == "" {
		return nil
	}
	if !Enabled(sysRoot) {
		return fmt.Errorf("process.apparmorProfile %q: %w", s.Process.ApparmorProfile, ErrNotEnabled)
	}
	return nil
}

// OpenExecAttr opens the calling thread's exec attr under procRoot. The
// new interface (attr/apparmor/exec) is preferred, the shared one is the fallback.
func OpenExecAttr(procRoot string) (*os.File, error) {
	var firstErr error
	for _, p := range []string{"thread-self/attr/apparmor/exec", "thread-self/attr/exec"} {
		f, err := os.OpenFile(filepath.Join(procRoot, p), os.O_WRONLY, 0)
		if err == nil {
			return f, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, fmt.Errorf("open apparmor exec attr: %w", firstErr)
}

// ApplyOnExec sets the profile the next execve(2) switches to.
func ApplyOnExec(attr *os.File, profile string) error {
	if _, err := attr.Write([]byte("exec " + profile)); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("apparmor profile %q is not loaded (load it with apparmor_parser -r, or `minirun apparmor load`)", profile)
		}
		return fmt.Errorf("set apparmor profile %q: %w", profile, err)
	}
	return nil
}
