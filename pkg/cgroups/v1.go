package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func (s *State) setV1(r *specs.LinuxResources) error {
	steps := map[string][]w{}
	if v, ok := pidsMax(r.Pids); ok {
		steps["pids"] = append(steps["pids"], w{"pids.max", v})
	}
	if m := r.Memory; m != nil {
		steps["memory"] = append(steps["memory"], memoryV1(s, m)...)
	}
	if c := r.CPU; c != nil {
		steps["cpu"] = append(steps["cpu"], cpuV1(c)...)
		if c.Cpus != "" {
			steps["cpuset"] = append(steps["cpuset"], w{"cpuset.cpus", c.Cpus})
		}
		if c.Mems != "" {
			steps["cpuset"] = append(steps["cpuset"], w{"cpuset.mems", c.Mems})
		}
	}
	if b := r.BlockIO; b != nil {
		steps["blkio"] = blkioV1(b, s)
	}
	if err := s.setHugetlbHybrid(r.HugepageLimits, steps); err != nil {
		return err
	}
	if n := r.Network; n != nil {
		if n.ClassID != nil {
			steps["net_cls"] = append(steps["net_cls"], w{"net_cls.classid", fmt.Sprint(*n.ClassID)})
		}
		for _, p := range n.Priorities {
			steps["net_prio"] = append(steps["net_prio"], w{"net_prio.ifpriomap", fmt.Sprintf("%s %d", p.Name, p.Priority)})
		}
	}
	for ctrl, list := range steps {
		if err := s.writeV1(ctrl, list); err != nil {
			return err
		}
	}
	return s.setDevicesV1(r.Devices)
}

func (s *State) writeV1(ctrl string, list []w) error {
	dir, ok := s.v1Dir(ctrl)
	if !ok {
		if len(list) == 0 {
			return nil
		}
		return fmt.Errorf("linux.resources: the %s controller is not mounted on this host (needed for %s)", ctrl, list[0].file)
	}
	for _, x := range list {
		if err := writeFile(dir, x.file, x.value); err != nil {
			return fmt.Errorf("linux.resources: %w", err)
		}
	}
	return nil
}

func memoryV1(s *State, m *specs.LinuxMemory) []w {
	var out []w
	limit := func(v int64) string { return num(v) }
	// memsw must never be below the memory limit, so when the swap limit
	// grows it is written first, otherwise after (as runc does).
	swapFirst := false
	if m.Swap != nil && m.Limit != nil {
		if dir, ok := s.v1Dir("memory"); ok {
			cur, _ := readFile(dir, "memory.memsw.limit_in_bytes")
			c, err := strconv.ParseInt(cur, 10, 64)
			swapFirst = *m.Swap == -1 || (err == nil && *m.Swap > c)
		}
	}
	if swapFirst {
		out = append(out, w{"memory.memsw.limit_in_bytes", limit(*m.Swap)})
	}
	if m.Limit != nil {
		out = append(out, w{"memory.limit_in_bytes", limit(*m.Limit)})
	}
	if m.Swap != nil && !swapFirst {
		out = append(out, w{"memory.memsw.limit_in_bytes", limit(*m.Swap)})
	}
	if m.Reservation != nil {
		out = append(out, w{"memory.soft_limit_in_bytes", limit(*m.Reservation)})
	}
	if m.Kernel != nil {
		out = append(out, w{"memory.kmem.limit_in_bytes", limit(*m.Kernel)})
	}
	if m.KernelTCP != nil {
		out = append(out, w{"memory.kmem.tcp.limit_in_bytes", limit(*m.KernelTCP)})
	}
	if m.Swappiness != nil && *m.Swappiness <= 100 {
		out = append(out, w{"memory.swappiness", unum(*m.Swappiness)})
	}
	if m.DisableOOMKiller != nil && *m.DisableOOMKiller {
		out = append(out, w{"memory.oom_control", "1"})
	}
	return out
}

func cpuV1(c *specs.LinuxCPU) []w {
	var out []w
	if c.Shares != nil && *c.Shares != 0 {
		out = append(out, w{"cpu.shares", unum(*c.Shares)})
	}
	if c.Period != nil && *c.Period != 0 {
		out = append(out, w{"cpu.cfs_period_us", unum(*c.Period)})
	}
	if c.Quota != nil && *c.Quota != 0 {
		out = append(out, w{"cpu.cfs_quota_us", num(*c.Quota)})
	}
	if c.Burst != nil {
		out = append(out, w{"cpu.cfs_burst_us", unum(*c.Burst)})
	}
	if c.RealtimePeriod != nil && *c.RealtimePeriod != 0 {
		out = append(out, w{"cpu.rt_period_us", unum(*c.RealtimePeriod)})
	}
	if c.RealtimeRuntime != nil && *c.RealtimeRuntime != 0 {
		out = append(out, w{"cpu.rt_runtime_us", num(*c.RealtimeRuntime)})
	}
	if c.Idle != nil {
		out = append(out, w{"cpu.idle", num(*c.Idle)})
	}
	return out
}

func blkioV1(b *specs.LinuxBlockIO, s *State) []w {
	var out []w
	weight, weightDevice := s.blkioWeightFiles()
	if b.Weight != nil && *b.Weight != 0 {
		out = append(out, w{weight, fmt.Sprint(*b.Weight)})
	}
	if b.LeafWeight != nil && *b.LeafWeight != 0 {
		out = append(out, w{"blkio.leaf_weight", fmt.Sprint(*b.LeafWeight)})
	}
	for _, d := range b.WeightDevice {
		if d.Weight != nil {
			out = append(out, w{weightDevice, fmt.Sprintf("%d:%d %d", d.Major, d.Minor, *d.Weight)})
		}
		if d.LeafWeight != nil {
			out = append(out, w{"blkio.leaf_weight_device", fmt.Sprintf("%d:%d %d", d.Major, d.Minor, *d.LeafWeight)})
		}
	}
	throttle := func(file string, list []specs.LinuxThrottleDevice) {
		for _, d := range list {
			out = append(out, w{file, fmt.Sprintf("%d:%d %d", d.Major, d.Minor, d.Rate)})
		}
	}
	throttle("blkio.throttle.read_bps_device", b.ThrottleReadBpsDevice)
	throttle("blkio.throttle.write_bps_device", b.ThrottleWriteBpsDevice)
	throttle("blkio.throttle.read_iops_device", b.ThrottleReadIOPSDevice)
	throttle("blkio.throttle.write_iops_device", b.ThrottleWriteIOPSDevice)
	return out
}

// setDevicesV1 writes the config's rules in order, then the defaults, so a
// leading deny-all is followed by what every container needs.
func (s *State) setDevicesV1(rules []specs.LinuxDeviceCgroup) error {
	dir, ok := s.v1Dir("devices")
	if !ok || len(rules) == 0 {
		return nil
	}
	for i, d := range append(append([]specs.LinuxDeviceCgroup{}, rules...), DefaultAllowedDevices...) {
		file := "devices.deny"
		if d.Allow {
			file = "devices.allow"
		}
		if err := writeFile(dir, file, deviceRule(d)); err != nil {
			if i < len(rules) {
				return fmt.Errorf("linux.resources.devices[%d]: %w", i, err)
			}
			return fmt.Errorf("default device rule: %w", err)
		}
	}
	return nil
}

// initCpuset copies cpus and mems down from the parent into each new v1
// cpuset directory: an empty cpuset refuses tasks (ENOSPC).
func initCpuset(mnt, dir string) error {
	rel, err := filepath.Rel(mnt, dir)
	if err != nil {
		return err
	}
	cur := mnt
	for _, part := range strings.Split(rel, "/") {
		if part == "." || part == "" {
			continue
		}
		parent := cur
		cur = filepath.Join(cur, part)
		for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
			v, _ := readFile(cur, f)
			if v != "" {
				continue
			}
			pv, err := readFile(parent, f)
			if err != nil {
				return fmt.Errorf("read %s/%s: %w", parent, f, err)
			}
			if err := writeFile(cur, f, pv); err != nil {
				return err
			}
		}
	}
	return nil
}

func v1HasController(name, ctrl string) bool {
	for _, c := range strings.Split(name, ",") {
		if c == ctrl {
			return true
		}
	}
	return false
}

// setHugetlbHybrid queues hugepage limits for the v1 hugetlb hierarchy, or,
// on a hybrid host whose hugetlb lives only on the unified mount, writes
// them there in v2 form. minirun never enables a controller in a cgroup it
// did not create, so an unenabled one is reported, naming the file.
func (s *State) setHugetlbHybrid(limits []specs.LinuxHugepageLimit, steps map[string][]w) error {
	_, v1 := s.v1Dir("hugetlb")
	for _, h := range limits {
		if v1 || s.Layout.Unified == "" {
			steps["hugetlb"] = append(steps["hugetlb"], w{"hugetlb." + h.Pagesize + ".limit_in_bytes", unum(h.Limit)})
			continue
		}
		dir := filepath.Join(s.Layout.Unified, s.Path)
		file := "hugetlb." + h.Pagesize + ".max"
		if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
			return fmt.Errorf("linux.resources.hugepageLimits: hugetlb is only on the cgroup2 mount and not enabled for %s (enable it in the parents' cgroup.subtree_control)", dir)
		}
		if err := writeFile(dir, file, unum(h.Limit)); err != nil {
			return fmt.Errorf("linux.resources.hugepageLimits: %w", err)
		}
	}
	return nil
}
