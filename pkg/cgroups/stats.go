package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Stats follow the shape of runc's `events --stats` data.
type Stats struct {
	CPU     CPUStats                `json:"cpu"`
	Memory  MemoryStats             `json:"memory"`
	Pids    PidsStats               `json:"pids"`
	Blkio   BlkioStats              `json:"blkio"`
	Hugetlb map[string]HugetlbStats `json:"hugetlb,omitempty"`
}

// BlkioEntry is one device's counter for one operation.
type BlkioEntry struct {
	Major uint64 `json:"major"`
	Minor uint64 `json:"minor"`
	Op    string `json:"op"`
	Value uint64 `json:"value"`
}

// BlkioStats are bytes and operations per device.
type BlkioStats struct {
	IoServiceBytesRecursive []BlkioEntry `json:"ioServiceBytesRecursive,omitempty"`
	IoServicedRecursive     []BlkioEntry `json:"ioServicedRecursive,omitempty"`
}

// HugetlbStats are per page size.
type HugetlbStats struct {
	Usage   uint64 `json:"usage,omitempty"`
	Max     uint64 `json:"max,omitempty"`
	Failcnt uint64 `json:"failcnt"`
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
		st.Blkio = ioStatV2(dir)
		st.Hugetlb = hugetlbStats(dir, ".current", ".events", "")
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
	if dir, ok := s.v1Dir("blkio"); ok {
		st.Blkio.IoServiceBytesRecursive = blkioV1Stat(dir, "blkio.throttle.io_service_bytes_recursive")
		st.Blkio.IoServicedRecursive = blkioV1Stat(dir, "blkio.throttle.io_serviced_recursive")
	}
	if dir, ok := s.v1Dir("hugetlb"); ok {
		st.Hugetlb = hugetlbStats(dir, ".usage_in_bytes", ".failcnt", ".max_usage_in_bytes")
	}
	return st
}

// blkioV1Stat parses "MAJ:MIN Op Value" lines (and skips "Total").
func blkioV1Stat(dir, file string) []BlkioEntry {
	s, _ := readFile(dir, file)
	var out []BlkioEntry
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		var e BlkioEntry
		if _, err := fmt.Sscanf(f[0], "%d:%d", &e.Major, &e.Minor); err != nil {
			continue
		}
		e.Op = f[1]
		e.Value, _ = strconv.ParseUint(f[2], 10, 64)
		out = append(out, e)
	}
	return out
}

// ioStatV2 turns io.stat ("MAJ:MIN rbytes=.. wbytes=.. rios=.. wios=..")
// into runc's blkio shape.
func ioStatV2(dir string) BlkioStats {
	s, _ := readFile(dir, "io.stat")
	var st BlkioStats
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		var maj, min uint64
		if _, err := fmt.Sscanf(f[0], "%d:%d", &maj, &min); err != nil {
			continue
		}
		for _, kv := range f[1:] {
			k, v, _ := strings.Cut(kv, "=")
			n, _ := strconv.ParseUint(v, 10, 64)
			switch k {
			case "rbytes", "wbytes":
				st.IoServiceBytesRecursive = append(st.IoServiceBytesRecursive, BlkioEntry{maj, min, map[string]string{"rbytes": "Read", "wbytes": "Write"}[k], n})
			case "rios", "wios":
				st.IoServicedRecursive = append(st.IoServicedRecursive, BlkioEntry{maj, min, map[string]string{"rios": "Read", "wios": "Write"}[k], n})
			}
		}
	}
	return st
}

// hugetlbStats reads hugetlb.<size><usage> etc. for every page size present.
func hugetlbStats(dir, usage, fail, max string) map[string]HugetlbStats {
	ents, _ := os.ReadDir(dir)
	out := map[string]HugetlbStats{}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, "hugetlb.") || !strings.HasSuffix(name, usage) {
			continue
		}
		size := strings.TrimSuffix(strings.TrimPrefix(name, "hugetlb."), usage)
		h := HugetlbStats{Usage: readUint(dir, name)}
		if max != "" {
			h.Max = readUint(dir, "hugetlb."+size+max)
		}
		if fail == ".events" {
			h.Failcnt = readKV(dir, "hugetlb."+size+".events")["max"]
		} else {
			h.Failcnt = readUint(dir, "hugetlb."+size+fail)
		}
		out[size] = h
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
