package specgen

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// ForHost is Default as `runc spec` writes it on this host: with a cgroup
// namespace only where /sys/fs/cgroup is cgroup v2 (runc's
// specconv.Example), since on v1 or a hybrid host runc's containers share
// the host's.
func ForHost() *specs.Spec {
	s := Default()
	var st unix.Statfs_t
	if unix.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
		return s
	}
	var keep []specs.LinuxNamespace
	for _, ns := range s.Linux.Namespaces {
		if ns.Type != specs.CgroupNamespace {
			keep = append(keep, ns)
		}
	}
	s.Linux.Namespaces = keep
	return s
}
