// Package namespaces owns the linux.namespaces section: which namespaces a
// container creates and which it joins, and their validation. The pre-Go
// constructor that joins and creates them is the subpackage nsenter; the
// frame it reads is pkg/protocol's (bootstrap.go).
package namespaces

import (
	"fmt"
	"os"

	"github.com/minirun/minirun/pkg/protocol"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Kind describes one namespace type.
type Kind struct {
	Flag     uintptr // CLONE_NEW*
	ProcName string  // entry under /proc/PID/ns
}

// Kinds maps the spec's namespace types to their flags and proc names.
var Kinds = map[specs.LinuxNamespaceType]Kind{
	specs.PIDNamespace:     {unix.CLONE_NEWPID, "pid"},
	specs.NetworkNamespace: {unix.CLONE_NEWNET, "net"},
	specs.MountNamespace:   {unix.CLONE_NEWNS, "mnt"},
	specs.IPCNamespace:     {unix.CLONE_NEWIPC, "ipc"},
	specs.UTSNamespace:     {unix.CLONE_NEWUTS, "uts"},
	specs.UserNamespace:    {unix.CLONE_NEWUSER, "user"},
	specs.CgroupNamespace:  {unix.CLONE_NEWCGROUP, "cgroup"},
	specs.TimeNamespace:    {unix.CLONE_NEWTIME, "time"},
}

// JoinOrder lists the spec's namespace types in the order `exec` joins a running container.
var JoinOrder = []specs.LinuxNamespaceType{
	specs.CgroupNamespace, specs.IPCNamespace, specs.UTSNamespace, specs.NetworkNamespace,
	specs.PIDNamespace, specs.TimeNamespace, specs.MountNamespace, specs.UserNamespace,
}

// Validate checks the namespace list: known types, no duplicates, and the
// settings that need a namespace of their own.
func Validate(s *specs.Spec) error {
	if s.Linux == nil {
		return fmt.Errorf("linux: section is required")
	}
	seen := map[specs.LinuxNamespaceType]bool{}
	for i, ns := range s.Linux.Namespaces {
		if _, ok := Kinds[ns.Type]; !ok {
			return fmt.Errorf("linux.namespaces[%d].type: unknown namespace type %q", i, ns.Type)
		}
		if seen[ns.Type] {
			return fmt.Errorf("linux.namespaces[%d].type: duplicate namespace %q", i, ns.Type)
		}
		seen[ns.Type] = true
	}
	// A joined uts namespace may be renamed: the config asks for it (runc does the same).
	if (s.Hostname != "" || s.Domainname != "") && !Has(s, specs.UTSNamespace) {
		return fmt.Errorf("hostname: setting hostname or domainname needs a uts namespace (the host's would change)")
	}
	if len(s.Linux.TimeOffsets) > 0 && !New(s, specs.TimeNamespace) {
		return fmt.Errorf("linux.timeOffsets: needs a new time namespace")
	}
	return validateTimeOffsets(s.Linux.TimeOffsets)
}

// validateTimeOffsets accepts only the clocks a time namespace has
// (time_namespaces(7)) and nanoseconds below one second.
func validateTimeOffsets(offsets map[string]specs.LinuxTimeOffset) error {
	for clock, off := range offsets {
		if _, ok := protocol.ClockID(clock); !ok {
			return fmt.Errorf("linux.timeOffsets: unknown clock %q (monotonic or boottime)", clock)
		}
		if off.Nanosecs >= 1e9 {
			return fmt.Errorf("linux.timeOffsets.%s.nanosecs: %d is not below one second", clock, off.Nanosecs)
		}
	}
	return nil
}

// Has reports whether the config lists the namespace at all.
func Has(s *specs.Spec, t specs.LinuxNamespaceType) bool {
	_, ok := find(s, t)
	return ok
}

// New reports whether the config creates the namespace (no path).
func New(s *specs.Spec, t specs.LinuxNamespaceType) bool {
	ns, ok := find(s, t)
	return ok && ns.Path == ""
}

func find(s *specs.Spec, t specs.LinuxNamespaceType) (specs.LinuxNamespace, bool) {
	if s.Linux == nil {
		return specs.LinuxNamespace{}, false
	}
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == t {
			return ns, true
		}
	}
	return specs.LinuxNamespace{}, false
}

// CloneFlags returns the flags for the namespaces the container creates.
// The cgroup namespace is included: the child is cloned from a process
// already placed in the container's cgroup, so its cgroup root is right.
func CloneFlags(s *specs.Spec) uintptr {
	var flags uintptr
	for _, ns := range s.Linux.Namespaces {
		if ns.Path == "" {
			flags |= Kinds[ns.Type].Flag
		}
	}
	return flags
}

// Join is a namespace to enter, already opened and checked.
type Join struct {
	Kind Kind
	File *os.File
}

// OpenJoins opens every namespace path in the config and checks that each is
// a namespace of the declared type, so a wrong path fails before any fork.
func OpenJoins(s *specs.Spec) ([]Join, error) {
	var joins []Join
	for i, ns := range s.Linux.Namespaces {
		if ns.Path == "" {
			continue
		}
		f, err := OpenNS(ns.Path, Kinds[ns.Type])
		if err != nil {
			CloseJoins(joins)
			return nil, fmt.Errorf("linux.namespaces[%d].path: %w", i, err)
		}
		if ns.Type == specs.MountNamespace && isHostMountNS(f) {
			f.Close()
			CloseJoins(joins)
			return nil, fmt.Errorf("linux.namespaces[%d].path: %s is the host's mount namespace; building a rootfs in it would change the host's mounts", i, ns.Path)
		}
		joins = append(joins, Join{Kind: Kinds[ns.Type], File: f})
	}
	return joins, nil
}

// OpenNS opens a namespace file and checks its type with NS_GET_NSTYPE.
func OpenNS(path string, k Kind) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open namespace: %w", err)
	}
	t, err := unix.IoctlRetInt(int(f.Fd()), unix.NS_GET_NSTYPE)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s is not a namespace file: %w", path, err)
	}
	if uintptr(t) != k.Flag {
		f.Close()
		return nil, fmt.Errorf("%s is not a %s namespace", path, k.ProcName)
	}
	return f, nil
}

// CloseJoins closes the opened namespace files.
func CloseJoins(joins []Join) {
	for _, j := range joins {
		j.File.Close()
	}
}

// isHostMountNS reports whether f is the runtime's or pid 1's mount namespace.
func isHostMountNS(f *os.File) bool {
	var st unix.Stat_t
	if unix.Fstat(int(f.Fd()), &st) != nil {
		return true
	}
	for _, p := range []string{"/proc/self/ns/mnt", "/proc/1/ns/mnt"} {
		var h unix.Stat_t
		if unix.Stat(p, &h) == nil && h.Ino == st.Ino && h.Dev == st.Dev {
			return true
		}
	}
	return false
}
