package container

import (
	"errors"

	"github.com/minirun/minirun/pkg/netdev"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// moveNetDevices moves linux.netDevices into the init's network namespace,
// which exists from the clone on; the init waits for its config meanwhile.
// runc refuses them rootless: moving a host device needs CAP_NET_ADMIN on
// the host.
func moveNetDevices(g Global, pid int, s *specs.Spec) error {
	if len(s.Linux.NetDevices) == 0 {
		return nil
	}
	if g.Rootless {
		return errors.New("linux.netDevices: network devices are not supported for rootless containers")
	}
	return netdev.Move(pid, s.Linux.NetDevices)
}
