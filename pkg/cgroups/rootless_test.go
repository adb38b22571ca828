package cgroups

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestNeededControllers(t *testing.T) {
	limit := int64(10)
	r := &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: &limit}, CPU: &specs.LinuxCPU{Cpus: "0"},
		Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}}
	got := neededControllers(r)
	if len(got) != 2 || got[0] != (need{"cpu", "cpuset"}) || got[1] != (need{"pids", "pids"}) {
		t.Errorf("needed %v", got)
	}
	if neededControllers(&specs.LinuxResources{Devices: r.Devices}) != nil {
		t.Error("device rules alone need no cgroup from a rootless caller")
	}
	kept := RootlessResources(&specs.LinuxResources{Devices: r.Devices})
	if hostRoot() != (len(kept.Devices) == 1) {
		t.Errorf("devices kept %v: only the host's root keeps its device rules", kept.Devices)
	}
}

func TestNeededControllersIgnoresEmptyStructs(t *testing.T) {
	r := &specs.LinuxResources{Memory: &specs.LinuxMemory{}, Pids: &specs.LinuxPids{}, BlockIO: &specs.LinuxBlockIO{}, CPU: &specs.LinuxCPU{}}
	if got := neededControllers(r); len(got) != 0 {
		t.Errorf("empty structs need %v, want nothing", got)
	}
}
