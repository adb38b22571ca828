package cgroups

import (
	"fmt"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// enableControllers turns on, in every ancestor of path, the controllers
// the root offers, so the container's directory gets their files.
func enableControllers(root, path string) error {
	avail, err := readFile(root, "cgroup.controllers")
	if err != nil {
		return fmt.Errorf("read cgroup.controllers: %w", err)
	}
	var enable []string
	for _, c := range strings.Fields(avail) {
		enable = append(enable, "+"+c)
	}
	if len(enable) == 0 {
		return nil
	}
	cur := root
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if err := writeFile(cur, "cgroup.subtree_control", strings.Join(enable, " ")); err != nil {
			return fmt.Errorf("enable controllers in %s: %w", cur, err)
		}
		cur = filepath.Join(cur, part)
	}
	return nil
}

func (s *State) setV2(r *specs.LinuxResources) error {
	var list []w
	if v, ok := pidsMax(r.Pids); ok {
		list = append(list, w{"pids.max", v})
	}
	if m := r.Memory; m != nil {
		list = append(list, memoryV2(m)...)
	}
	if c := r.CPU; c != nil {
		list = append(list, cpuV2(c)...)
	}
	if b := r.BlockIO; b != nil {
		list = append(list, ioV2(b)...)
	}
	for _, h := range r.HugepageLimits {
		list = append(list, w{"hugetlb." + h.Pagesize + ".max", unum(h.Limit)})
	}
	for k, v := range r.Unified {
		if strings.Contains(k, "/") {
			return fmt.Errorf("linux.resources.unified: key %q must be a file name", k)
		}
		list = append(list, w{k, v})
	}
	dir := filepath.Join(s.Layout.Unified, s.Path)
	for _, x := range list {
		if err := writeFile(dir, x.file, x.value); err != nil {
			return fmt.Errorf("linux.resources: %w", err)
		}
	}
	if len(r.Devices) > 0 {
		return attachDevices(dir, append(append([]specs.LinuxDeviceCgroup{}, r.Devices...), DefaultAllowedDevices...))
	}
	return nil
}

func max(v *int64) string {
	if *v < 0 {
		return "max"
	}
	return num(*v)
}

func memoryV2(m *specs.LinuxMemory) []w {
	var out []w
	if m.Limit != nil && *m.Limit != 0 {
		out = append(out, w{"memory.max", max(m.Limit)})
	}
	if m.Reservation != nil && *m.Reservation != 0 {
		out = append(out, w{"memory.low", max(m.Reservation)})
	}
	// The spec's swap is memory+swap (v1 memsw); v2 counts swap alone.
	if m.Swap != nil && *m.Swap != 0 {
		v := "max"
		if *m.Swap > 0 && m.Limit != nil && *m.Limit > 0 {
			v = num(*m.Swap - *m.Limit)
		} else if *m.Swap > 0 {
			v = num(*m.Swap)
		}
		out = append(out, w{"memory.swap.max", v})
	}
	if m.DisableOOMKiller != nil && *m.DisableOOMKiller {
		out = append(out, w{"memory.oom.group", "0"})
	}
	return out
}

func cpuV2(c *specs.LinuxCPU) []w {
	var out []w
	if c.Shares != nil && *c.Shares != 0 {
		out = append(out, w{"cpu.weight", unum(ConvertSharesToWeight(*c.Shares))})
	}
	if (c.Quota != nil && *c.Quota != 0) || (c.Period != nil && *c.Period != 0) {
		quota, period := "max", uint64(100000)
		if c.Quota != nil && *c.Quota > 0 {
			quota = num(*c.Quota)
		}
		if c.Period != nil && *c.Period != 0 {
			period = *c.Period
		}
		out = append(out, w{"cpu.max", fmt.Sprintf("%s %d", quota, period)})
	}
	if c.Burst != nil {
		out = append(out, w{"cpu.max.burst", unum(*c.Burst)})
	}
	if c.Idle != nil {
		out = append(out, w{"cpu.idle", num(*c.Idle)})
	}
	if c.Cpus != "" {
		out = append(out, w{"cpuset.cpus", c.Cpus})
	}
	if c.Mems != "" {
		out = append(out, w{"cpuset.mems", c.Mems})
	}
	return out
}

func ioV2(b *specs.LinuxBlockIO) []w {
	var out []w
	if b.Weight != nil && *b.Weight != 0 {
		out = append(out, w{"io.weight", unum(ConvertBlkioToIOWeight(*b.Weight))})
	}
	for _, d := range b.WeightDevice {
		if d.Weight != nil {
			out = append(out, w{"io.weight", fmt.Sprintf("%d:%d %d", d.Major, d.Minor, ConvertBlkioToIOWeight(*d.Weight))})
		}
	}
	throttle := func(key string, list []specs.LinuxThrottleDevice) {
		for _, d := range list {
			out = append(out, w{"io.max", fmt.Sprintf("%d:%d %s=%d", d.Major, d.Minor, key, d.Rate)})
		}
	}
	throttle("rbps", b.ThrottleReadBpsDevice)
	throttle("wbps", b.ThrottleWriteBpsDevice)
	throttle("riops", b.ThrottleReadIOPSDevice)
	throttle("wiops", b.ThrottleWriteIOPSDevice)
	return out
}
