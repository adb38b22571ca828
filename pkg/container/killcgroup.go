package container

import (
	"github.com/minirun/minirun/pkg/namespaces"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// killSharedPidNS is runc 1.5's SIGKILL of a container without a pid
// namespace of its own: the kernel kills the rest of a pid namespace with
// its init (pid_namespaces(7)), but here the others would live on, so every
// process of the cgroup is killed, even once the init is gone. Only where
// minirun created the cgroup, because a process in a pre-existing one need
// not be the container's. It reports whether it handled the kill.
func (l *loaded) killSharedPidNS(sig unix.Signal) (bool, error) {
	if sig != unix.SIGKILL || l.st.Cgroup == nil || !l.st.Cgroup.OwnsAny() {
		return false, nil
	}
	// As runc's IsPrivate: a joined pid namespace counts as the container's.
	spec, err := l.st.LifecycleConfig()
	if err != nil || namespaces.Has(spec, specs.PIDNamespace) {
		return false, nil
	}
	return true, l.st.Cgroup.Signal(unix.SIGKILL, nil)
}
