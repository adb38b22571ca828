package config

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/minirun/minirun/pkg/apparmor"
	"github.com/minirun/minirun/pkg/caps"
	"github.com/minirun/minirun/pkg/cgroups"
	"github.com/minirun/minirun/pkg/hooks"
	"github.com/minirun/minirun/pkg/namespaces"
	"github.com/minirun/minirun/pkg/netdev"
	"github.com/minirun/minirun/pkg/rlimits"
	"github.com/minirun/minirun/pkg/rootfs"
	"github.com/minirun/minirun/pkg/seccomp"
	"github.com/minirun/minirun/pkg/userns"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Options carry the command-line settings validation depends on.
type Options struct {
	SystemdCgroup bool
	SysRoot       string // "/sys" outside tests
}

// Validate checks the whole config for create/run.
func Validate(s *specs.Spec, o Options) error {
	if err := CheckVersion(s.Version); err != nil {
		return err
	}
	if s.Process == nil {
		return fmt.Errorf("process: is required")
	}
	checks := []func() error{
		func() error { return ValidateProcess(s.Process, "process") },
		func() error { return refuseUnapplied(s, o.SysRoot) },
		func() error { return namespaces.Validate(s) },
		func() error {
			return userns.Validate(s, namespaces.New(s, specs.UserNamespace),
				namespaces.Has(s, specs.UserNamespace) && !namespaces.New(s, specs.UserNamespace))
		},
		func() error { return rootfs.Validate(s) },
		func() error { return caps.Validate(s) },
		func() error { return seccomp.Validate(s) },
		func() error { return apparmor.Validate(s, o.SysRoot) },
		func() error { return cgroups.Validate(s, o.SystemdCgroup) },
		func() error { return hooks.Validate(s) },
		func() error { return netdev.Validate(s) },
		func() error { return validateSysctls(s) },
	}
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

// ValidateProcess checks a process section (also exec's process.json);
// field prefixes the errors.
func ValidateProcess(p *specs.Process, field string) error {
	if err := refuseUnappliedProcess(p, field); err != nil {
		return err
	}
	if err := validateProcessAttrs(p, field); err != nil {
		return err
	}
	if len(p.Args) == 0 || p.Args[0] == "" {
		return fmt.Errorf("%s.args: at least the command is required", field)
	}
	if p.Cwd == "" || !filepath.IsAbs(p.Cwd) {
		return fmt.Errorf("%s.cwd: must be an absolute path, got %q", field, p.Cwd)
	}
	for i, e := range p.Env {
		if !strings.Contains(e, "=") {
			return fmt.Errorf("%s.env[%d]: %q is not KEY=VALUE", field, i, e)
		}
	}
	seen := map[string]bool{}
	for i, r := range p.Rlimits {
		if !rlimits.Known(r.Type) {
			return fmt.Errorf("%s.rlimits[%d].type: unknown rlimit %q", field, i, r.Type)
		}
		if seen[r.Type] {
			return fmt.Errorf("%s.rlimits[%d].type: duplicate rlimit %q", field, i, r.Type)
		}
		seen[r.Type] = true
		if r.Soft > r.Hard {
			return fmt.Errorf("%s.rlimits[%d]: soft limit %d exceeds hard limit %d", field, i, r.Soft, r.Hard)
		}
	}
	if p.OOMScoreAdj != nil && (*p.OOMScoreAdj < -1000 || *p.OOMScoreAdj > 1000) {
		return fmt.Errorf("%s.oomScoreAdj: %d is outside -1000..1000", field, *p.OOMScoreAdj)
	}
	if p.Capabilities != nil {
		for set, names := range map[string][]string{
			"bounding": p.Capabilities.Bounding, "effective": p.Capabilities.Effective,
			"permitted": p.Capabilities.Permitted, "inheritable": p.Capabilities.Inheritable,
			"ambient": p.Capabilities.Ambient,
		} {
			if err := caps.ValidateNames(field+".capabilities."+set, names); err != nil {
				return err
			}
		}
	}
	return nil
}

// Only namespaced sysctls may be set, and only when the container has
// its own namespace of that kind: otherwise the write changes the host.
func validateSysctls(s *specs.Spec) error {
	if s.Linux == nil {
		return nil
	}
	for k := range s.Linux.Sysctl {
		if strings.ContainsAny(k, "/") && strings.Contains(k, "..") {
			return fmt.Errorf("linux.sysctl: invalid key %q", k)
		}
		ns := sysctlNamespace(k)
		switch {
		case ns == "":
			return fmt.Errorf("linux.sysctl: %q is not namespaced and would change the host", k)
		case !namespaces.Has(s, ns):
			return fmt.Errorf("linux.sysctl: %q needs a %s namespace (the host's would change)", k, ns)
		}
		if host, err := joinsRuntimeNamespace(s, ns); err != nil {
			return fmt.Errorf("linux.sysctl %q: %w", k, err)
		} else if host {
			return fmt.Errorf("linux.sysctl: %q not allowed in host %s namespace", k, ns)
		}
	}
	return nil
}

// joinsRuntimeNamespace reports whether the config joins, by path, the
// namespace of that kind the runtime itself is in: a sysctl written there
// changes the host as if no namespace had been asked for (runc checks
// the network namespace the same way).
func joinsRuntimeNamespace(s *specs.Spec, ns specs.LinuxNamespaceType) (bool, error) {
	path := ""
	for _, n := range s.Linux.Namespaces {
		if n.Type == ns {
			path = n.Path
		}
	}
	kind, ok := namespaces.Kinds[ns]
	if path == "" || !ok {
		return false, nil
	}
	var joined, own unix.Stat_t
	if err := unix.Stat(path, &joined); err != nil {
		return false, fmt.Errorf("stat %s namespace %s: %w", ns, path, err)
	}
	self := "/proc/self/ns/" + kind.ProcName
	if err := unix.Stat(self, &own); err != nil {
		return false, fmt.Errorf("stat %s: %w", self, err)
	}
	return joined.Dev == own.Dev && joined.Ino == own.Ino, nil
}

func sysctlNamespace(key string) specs.LinuxNamespaceType {
	k := strings.ReplaceAll(key, "/", ".")
	switch {
	case strings.HasPrefix(k, "net."):
		return specs.NetworkNamespace
	case k == "kernel.msgmax" || k == "kernel.msgmnb" || k == "kernel.msgmni" || k == "kernel.sem" ||
		k == "kernel.shmall" || k == "kernel.shmmax" || k == "kernel.shmmni" || k == "kernel.shm_rmid_forced" ||
		strings.HasPrefix(k, "fs.mqueue."):
		return specs.IPCNamespace
	case k == "kernel.hostname" || k == "kernel.domainname":
		return specs.UTSNamespace
	}
	return ""
}
