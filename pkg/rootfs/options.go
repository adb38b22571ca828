package rootfs

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// mountOpts is a mount's options split the way mount(2) wants them.
type mountOpts struct {
	flags       uintptr // MS_* applied at mount time
	clear       uintptr // flags explicitly turned off (rw, suid, ...)
	propagation []uintptr
	rec         recAttr // MOUNT_ATTR_* applied recursively (rro, rrw, ...)
	data        []string
	copyUp      bool // tmpcopyup: fill a new tmpfs with what it covers
	idmap       bool // idmap: the bind's top mount is idmapped
	ridmap      bool // ridmap: the bind and every mount below it
}

var flagOpts = map[string]struct {
	set  bool
	flag uintptr
}{
	"ro": {true, unix.MS_RDONLY}, "rw": {false, unix.MS_RDONLY},
	"nosuid": {true, unix.MS_NOSUID}, "suid": {false, unix.MS_NOSUID},
	"nodev": {true, unix.MS_NODEV}, "dev": {false, unix.MS_NODEV},
	"noexec": {true, unix.MS_NOEXEC}, "exec": {false, unix.MS_NOEXEC},
	"sync": {true, unix.MS_SYNCHRONOUS}, "async": {false, unix.MS_SYNCHRONOUS},
	"dirsync": {true, unix.MS_DIRSYNC}, "remount": {true, unix.MS_REMOUNT},
	"nomand": {false, unix.MS_MANDLOCK},
	"atime":  {false, unix.MS_NOATIME}, "noatime": {true, unix.MS_NOATIME},
	"diratime": {false, unix.MS_NODIRATIME}, "nodiratime": {true, unix.MS_NODIRATIME},
	"relatime": {true, unix.MS_RELATIME}, "norelatime": {false, unix.MS_RELATIME},
	"strictatime": {true, unix.MS_STRICTATIME}, "nostrictatime": {false, unix.MS_STRICTATIME},
	"bind": {true, unix.MS_BIND}, "rbind": {true, unix.MS_BIND | unix.MS_REC},
	"silent": {true, unix.MS_SILENT}, "loud": {false, unix.MS_SILENT},
	"nosymfollow": {true, unix.MS_NOSYMFOLLOW},
}

var propagationOpts = map[string]uintptr{
	"private": unix.MS_PRIVATE, "rprivate": unix.MS_PRIVATE | unix.MS_REC,
	"shared": unix.MS_SHARED, "rshared": unix.MS_SHARED | unix.MS_REC,
	"slave": unix.MS_SLAVE, "rslave": unix.MS_SLAVE | unix.MS_REC,
	"unbindable": unix.MS_UNBINDABLE, "runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
}

// recAttr is one recursive option as mount_setattr(2) takes it.
type recAttr struct{ set, clr uint64 }

// recursiveAttrs are the r* options, applied to the mount and every mount
// below it (mount_setattr(2) with AT_RECURSIVE). The access-time values
// are an enum, not bits: changing one needs MOUNT_ATTR__ATIME cleared.
var recursiveAttrs = map[string]recAttr{
	"rro": {set: unix.MOUNT_ATTR_RDONLY}, "rrw": {clr: unix.MOUNT_ATTR_RDONLY},
	"rnosuid": {set: unix.MOUNT_ATTR_NOSUID}, "rsuid": {clr: unix.MOUNT_ATTR_NOSUID},
	"rnodev": {set: unix.MOUNT_ATTR_NODEV}, "rdev": {clr: unix.MOUNT_ATTR_NODEV},
	"rnoexec": {set: unix.MOUNT_ATTR_NOEXEC}, "rexec": {clr: unix.MOUNT_ATTR_NOEXEC},
	"rnodiratime": {set: unix.MOUNT_ATTR_NODIRATIME}, "rdiratime": {clr: unix.MOUNT_ATTR_NODIRATIME},
	"rnosymfollow": {set: unix.MOUNT_ATTR_NOSYMFOLLOW}, "rsymfollow": {clr: unix.MOUNT_ATTR_NOSYMFOLLOW},
	"rnoatime":     {set: unix.MOUNT_ATTR_NOATIME, clr: unix.MOUNT_ATTR__ATIME},
	"rstrictatime": {set: unix.MOUNT_ATTR_STRICTATIME, clr: unix.MOUNT_ATTR__ATIME},
	"rrelatime":    {set: unix.MOUNT_ATTR_RELATIME, clr: unix.MOUNT_ATTR__ATIME},
	// "atime" is "not noatime", whose kernel default is relatime (mount(8)).
	"ratime": {set: unix.MOUNT_ATTR_RELATIME, clr: unix.MOUNT_ATTR__ATIME},
}

// "defaults" means no option at all (fstab(5)); it is accepted and
// changes nothing.
var ignoredOpts = map[string]bool{"defaults": true}

// MountOptions lists every option minirun applies itself (`minirun
// features` reports exactly these); a filesystem mount's other options
// are its data, which the kernel checks.
func MountOptions() []string {
	var out []string
	for o := range flagOpts {
		out = append(out, o)
	}
	for o := range propagationOpts {
		out = append(out, o)
	}
	for o := range recursiveAttrs {
		out = append(out, o)
	}
	for o := range ignoredOpts {
		out = append(out, o)
	}
	out = append(out, "tmpcopyup", "idmap", "ridmap")
	sort.Strings(out)
	return out
}

// validateOptions refuses what would be dropped in silence: a bind or
// cgroup mount passes no data to a filesystem, so an option minirun does
// not know there means nothing.
func validateOptions(m specs.Mount) error {
	for _, opt := range m.Options {
		switch {
		case opt == "mand":
			// Linux 5.15 dropped mandatory locking; MS_MANDLOCK is ignored.
			return fmt.Errorf("%q: the kernel no longer supports mandatory locking", opt)
		case (opt == "sync" || opt == "dirsync") && isBind(m):
			// A bind remount changes only per-mount flags (mount(2)).
			return fmt.Errorf("%q is a filesystem flag a bind mount cannot change", opt)
		}
	}
	o := parseOptions(m.Options)
	if o.copyUp && m.Type != "tmpfs" {
		return fmt.Errorf("\"tmpcopyup\" needs a tmpfs mount, not type %q", m.Type)
	}
	if !(isBind(m) || m.Type == "cgroup" || m.Type == "cgroup2") {
		return nil
	}
	for _, d := range o.data {
		// key=value is filesystem data, which mount(2) ignores for a bind
		// (runc passes it the same way; runtime-tools' mounts test sends
		// mode=755); a bare word no table knows is a typo or unsupported.
		if !strings.Contains(d, "=") || !isBind(m) {
			return fmt.Errorf("unknown mount option %q", d)
		}
	}
	return nil
}

func parseOptions(opts []string) mountOpts {
	var m mountOpts
	for _, o := range opts {
		if f, ok := flagOpts[o]; ok {
			if f.set {
				m.flags |= f.flag
				m.clear &^= f.flag
			} else {
				m.flags &^= f.flag
				m.clear |= f.flag
			}
		} else if p, ok := propagationOpts[o]; ok {
			m.propagation = append(m.propagation, p)
		} else if a, ok := recursiveAttrs[o]; ok {
			// A later option wins: its bits leave the other set.
			if a.clr&unix.MOUNT_ATTR__ATIME != 0 {
				m.rec.set &^= unix.MOUNT_ATTR__ATIME
			}
			m.rec.set = m.rec.set&^a.clr | a.set
			m.rec.clr = m.rec.clr&^a.set | a.clr
		} else if o == "tmpcopyup" {
			m.copyUp = true
		} else if o == "idmap" {
			m.idmap = true
		} else if o == "ridmap" {
			m.ridmap = true
		} else if !ignoredOpts[o] {
			m.data = append(m.data, o)
		}
	}
	return m
}

func isBind(m specs.Mount) bool {
	return m.Type == "bind" || parseOptions(m.Options).flags&unix.MS_BIND != 0
}

// Validate checks the mounts and paths sections.
func Validate(s *specs.Spec) error {
	if s.Root == nil || s.Root.Path == "" {
		return fmt.Errorf("root.path: is required")
	}
	for i, m := range s.Mounts {
		if !strings.HasPrefix(m.Destination, "/") {
			return fmt.Errorf("mounts[%d].destination: must be absolute, got %q", i, m.Destination)
		}
		if err := validateIdmap(s, i, m); err != nil {
			return err
		}
		if err := validateOptions(m); err != nil {
			return fmt.Errorf("mounts[%d].options: %w", i, err)
		}
		if isBind(m) && m.Source == "" {
			return fmt.Errorf("mounts[%d].source: a bind mount needs a source", i)
		}
		if err := checkProcDestination(m); err != nil {
			return fmt.Errorf("mounts[%d].destination: %w", i, err)
		}
	}
	if s.Linux != nil {
		if p := s.Linux.RootfsPropagation; p != "" {
			if _, ok := propagationOpts[p]; !ok {
				return fmt.Errorf("linux.rootfsPropagation: unknown value %q", p)
			}
		}
		for i, p := range s.Linux.MaskedPaths {
			if !strings.HasPrefix(p, "/") {
				return fmt.Errorf("linux.maskedPaths[%d]: must be absolute, got %q", i, p)
			}
		}
		for i, p := range s.Linux.ReadonlyPaths {
			if !strings.HasPrefix(p, "/") {
				return fmt.Errorf("linux.readonlyPaths[%d]: must be absolute, got %q", i, p)
			}
		}
	}
	if err := needsMountNamespace(s); err != nil {
		return err
	}
	return validateDevices(s)
}

// procMounts are the files under /proc a config may mount over (the
// ones lxcfs emulates, as runc allows); nothing else inside /proc.
var procMounts = map[string]bool{
	"/proc/cpuinfo": true, "/proc/diskstats": true, "/proc/meminfo": true, "/proc/stat": true,
	"/proc/swaps": true, "/proc/uptime": true, "/proc/loadavg": true, "/proc/slabinfo": true,
	"/proc/sys/kernel/ns_last_pid": true, "/proc/sys/crypto/fips_enabled": true,
}

func procMountAllowed(dest string) bool { return procMounts[dest] }

// checkProcDestination is the config-time half of the /proc rule: /proc
// itself takes only a procfs (fresh, or a bind of one), and inside it only
// procMounts. The mount-time half (refuseProcfsTarget) catches targets an
// image's symlinks lead into a procfs.
func checkProcDestination(m specs.Mount) error {
	dest := filepath.Clean(m.Destination)
	switch {
	case dest == "/proc":
		if m.Type == "proc" {
			return nil
		}
		var st unix.Statfs_t
		if isBind(m) && unix.Statfs(m.Source, &st) == nil && st.Type == unix.PROC_SUPER_MAGIC {
			return nil
		}
		return fmt.Errorf("%q cannot be mounted because it is not of type proc", dest)
	case strings.HasPrefix(dest, "/proc/") && !procMountAllowed(dest):
		return fmt.Errorf("%q cannot be mounted because it is inside /proc", dest)
	}
	return nil
}

// needsMountNamespace refuses what only a mount namespace of the
// container's can give: without one, masks and read-only paths would not
// exist (the container only chroots, and with CAP_SYS_CHROOT a chroot is
// left at will), and devices and root flags would change the host's own
// files and mounts. The config's mounts are made in the host's table and
// removed at delete (hostns.go); cgroup mounts, which bind the host's
// hierarchies, are refused.
func needsMountNamespace(s *specs.Spec) error {
	if s.Linux != nil {
		for _, ns := range s.Linux.Namespaces {
			if ns.Type == specs.MountNamespace {
				return nil
			}
		}
	}
	const why = "without a private MNT namespace"
	for i, m := range s.Mounts {
		if m.Type == "cgroup" || m.Type == "cgroup2" {
			return fmt.Errorf("mounts[%d]: unable to mount a cgroup filesystem %s", i, why)
		}
	}
	switch {
	case s.Linux != nil && (len(s.Linux.MaskedPaths) > 0 || len(s.Linux.ReadonlyPaths) > 0):
		return fmt.Errorf("linux.maskedPaths/readonlyPaths: unable to restrict sys entries %s", why)
	case s.Root.Readonly:
		return fmt.Errorf("root.readonly: unable to make the root read-only %s", why)
	case s.Linux != nil && len(s.Linux.Devices) > 0:
		return fmt.Errorf("linux.devices: unable to create devices %s", why)
	case s.Linux != nil && s.Linux.RootfsPropagation != "":
		return fmt.Errorf("linux.rootfsPropagation: unable to set propagation %s", why)
	}
	return nil
}
