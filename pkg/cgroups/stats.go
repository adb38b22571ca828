package cgroups

import (
	"path/filepath"
	"strconv"
	"strings"
)

// Stats follow the shape of runc's `events --stats` data.
type Stats struct {
	CPU    CPUStats    `json:"cpu"`
	Memory MemoryStats `json:"memory"`
	Pids   PidsStats   `json:"pids"`
}

// CPUStats is cumulative CPU time in nanoseconds.
type CPUStats struct {
	Usage struct {
		Total  uint64 `json:"total"`
		Kernel uint64 `json:"kernel"`
		User   uint64 `json:"user"`
	} `json:"usage"`
	Throttling struct {
		Periods          uint64 `json:"periods,omitempty"`
		ThrottledPeriods uint64 `json:"throttledPeriods,omitempty"`
		ThrottledTime    uint64 `json:"throttledTime,omitempty"`
	} `json:"throttling"`
}

// MemoryStats are bytes, plus OOM kill counts.
type MemoryStats struct {
	Usage struct {
		Usage   uint64 `json:"usage"`
		Max     uint64 `json:"max,omitempty"`
		Limit   uint64 `json:"limit"`
		Failcnt uint64 `json:"failcnt"`
	} `json:"usage"`
	OOMKills uint64            `json:"oomKills"`
	Raw      map[string]uint64 `json:"raw,omitempty"`
}

// PidsStats is the task count and limit (0 = unlimited).
type PidsStats struct {
	Current uint64 `json:"current"`
	Limit   uint64 `json:"limit,omitempty"`
}

func readUint(dir, file string) uint64 {
	s, err := readFile(dir, file)
	if err != nil {
		return 0
	}
	v, _ := strconv.ParseUint(strings.Fields(s + " 0")[0], 10, 64)
	return v
}

func readKV(dir, file string) map[string]uint64 {
	s, err := readFile(dir, file)
	if err != nil {
		return nil
	}
	m := map[string]uint64{}
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) == 2 {
			v, _ := strconv.ParseUint(f[1], 10, 64)
			m[f[0]] = v
		}
	}
	return m
}

// Stats reads the container's counters.
func (s *State) Stats() Stats {
	var st Stats
	if s.Layout.IsV2() {
		dir := filepath.Join(s.Layout.Unified, s.Path)
		cpu := readKV(dir, "cpu.stat")
		st.CPU.Usage.Total, st.CPU.Usage.User, st.CPU.Usage.Kernel = cpu["usage_usec"]*1000, cpu["user_usec"]*1000, cpu["system_usec"]*1000
		st.CPU.Throttling.Periods, st.CPU.Throttling.ThrottledPeriods = cpu["nr_periods"], cpu["nr_throttled"]
		st.CPU.Throttling.ThrottledTime = cpu["throttled_usec"] * 1000
		st.Memory.Usage.Usage, st.Memory.Usage.Max = readUint(dir, "memory.current"), readUint(dir, "memory.peak")
		st.Memory.Usage.Limit = readUint(dir, "memory.max")
		ev := readKV(dir, "memory.events")
		st.Memory.OOMKills, st.Memory.Usage.Failcnt = ev["oom_kill"], ev["max"]
		st.Memory.Raw = readKV(dir, "memory.stat")
		st.Pids.Current, st.Pids.Limit = readUint(dir, "pids.current"), readUint(dir, "pids.max")
		return st
	}
	if dir, ok := s.v1Dir("cpuacct"); ok {
		st.CPU.Usage.Total = readUint(dir, "cpuacct.usage")
		ticks := readKV(dir, "cpuacct.stat")
		// USER_HZ is 100 on every Linux ABI: 10ms per tick.
		st.CPU.Usage.User, st.CPU.Usage.Kernel = ticks["user"]*1e7, ticks["system"]*1e7
	}
	if dir, ok := s.v1Dir("cpu"); ok {
		t := readKV(dir, "cpu.stat")
		st.CPU.Throttling.Periods, st.CPU.Throttling.ThrottledPeriods = t["nr_periods"], t["nr_throttled"]
		st.CPU.Throttling.ThrottledTime = t["throttled_time"]
	}
	if dir, ok := s.v1Dir("memory"); ok {
		st.Memory.Usage.Usage, st.Memory.Usage.Max = readUint(dir, "memory.usage_in_bytes"), readUint(dir, "memory.max_usage_in_bytes")
		st.Memory.Usage.Limit, st.Memory.Usage.Failcnt = readUint(dir, "memory.limit_in_bytes"), readUint(dir, "memory.failcnt")
		st.Memory.OOMKills = readKV(dir, "memory.oom_control")["oom_kill"]
		st.Memory.Raw = readKV(dir, "memory.stat")
	}
	if dir, ok := s.v1Dir("pids"); ok {
		st.Pids.Current, st.Pids.Limit = readUint(dir, "pids.current"), readUint(dir, "pids.max")
	}
	return st
}
