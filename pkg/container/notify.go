package container

import (
	"encoding/json"
	"fmt"
	"net"
	"os"

	"github.com/minirun/minirun/pkg/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// dialListener connects to linux.seccomp.listenerPath in the runtime's
// mount namespace, before the child can no longer reach the host's paths.
func dialListener(s *specs.Spec) (*os.File, error) {
	sc := s.Linux.Seccomp
	if sc == nil || !seccomp.UsesNotify(sc) {
		return nil, nil
	}
	conn, err := net.Dial("unix", sc.ListenerPath)
	if err != nil {
		return nil, fmt.Errorf("linux.seccomp.listenerPath %s: %w", sc.ListenerPath, err)
	}
	defer conn.Close()
	f, err := conn.(*net.UnixConn).File()
	if err != nil {
		return nil, fmt.Errorf("linux.seccomp.listenerPath: %w", err)
	}
	return f, nil
}

// notifyState is what the listener receives with the notify fd.
func notifyState(s *specs.Spec, st specs.State, pid int) []byte {
	if s.Linux.Seccomp == nil || !seccomp.UsesNotify(s.Linux.Seccomp) {
		return nil
	}
	b, _ := json.Marshal(specs.ContainerProcessState{
		Version: specs.Version, Fds: []string{specs.SeccompFdName}, Pid: pid,
		Metadata: s.Linux.Seccomp.ListenerMetadata, State: st,
	})
	return b
}
