package specgen

import (
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Rootless turns a default spec into what an unprivileged user can run,
// as runc's `spec --rootless`: a user namespace mapping root to the
// caller's own uid and gid (the one mapping that needs no helper), no
// network namespace (without one the container could not reach anything,
// and a user cannot configure one from outside), and no resources (a
// user rarely owns a cgroup to write them into).
func Rootless(s *specs.Spec, uid, gid uint32) {
	var ns []specs.LinuxNamespace
	for _, n := range s.Linux.Namespaces {
		if n.Type != specs.NetworkNamespace && n.Type != specs.UserNamespace {
			ns = append(ns, n)
		}
	}
	s.Linux.Namespaces = append(ns, specs.LinuxNamespace{Type: specs.UserNamespace})
	s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: uid, Size: 1}}
	s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: gid, Size: 1}}
	s.Linux.Resources = nil
	for i := range s.Mounts {
		m := &s.Mounts[i]
		// sysfs can only be mounted by the owner of the network namespace
		// (sysfs_mount); without one of our own, the host's is bound read-only.
		if filepath.Clean(m.Destination) == "/sys" {
			*m = specs.Mount{Destination: "/sys", Type: "none", Source: "/sys",
				Options: []string{"rbind", "nosuid", "noexec", "nodev", "ro"}}
			continue
		}
		// A gid= or uid= names an id that the single-id map does not hold
		// (devpts gid=5): the mount would fail with EINVAL.
		var opts []string
		for _, o := range m.Options {
			if !strings.HasPrefix(o, "gid=") && !strings.HasPrefix(o, "uid=") {
				opts = append(opts, o)
			}
		}
		m.Options = opts
	}
}
