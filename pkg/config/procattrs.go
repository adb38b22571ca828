package config

import (
	"fmt"
	"math/bits"
	"sort"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The conversions below turn the scheduling, I/O priority, CPU affinity,
// personality and memory policy fields into the values their syscalls
// take. Validation is the same call as the init's apply step, so what is
// accepted is exactly what can be applied.

var schedPolicies = map[specs.LinuxSchedulerPolicy]uint32{
	specs.SchedOther: unix.SCHED_NORMAL, specs.SchedFIFO: unix.SCHED_FIFO, specs.SchedRR: unix.SCHED_RR,
	specs.SchedBatch: unix.SCHED_BATCH, specs.SchedIdle: unix.SCHED_IDLE, specs.SchedDeadline: unix.SCHED_DEADLINE,
}

var schedFlags = map[specs.LinuxSchedulerFlag]uint64{
	specs.SchedFlagResetOnFork: unix.SCHED_FLAG_RESET_ON_FORK, specs.SchedFlagReclaim: unix.SCHED_FLAG_RECLAIM,
	specs.SchedFlagDLOverrun: unix.SCHED_FLAG_DL_OVERRUN, specs.SchedFlagKeepPolicy: unix.SCHED_FLAG_KEEP_POLICY,
	specs.SchedFlagKeepParams: unix.SCHED_FLAG_KEEP_PARAMS, specs.SchedFlagUtilClampMin: unix.SCHED_FLAG_UTIL_CLAMP_MIN,
	specs.SchedFlagUtilClampMax: unix.SCHED_FLAG_UTIL_CLAMP_MAX,
}

// SchedAttr converts process.scheduler for sched_setattr(2); field names
// the section in errors.
func SchedAttr(s *specs.Scheduler, field string) (unix.SchedAttr, error) {
	a := unix.SchedAttr{Size: unix.SizeofSchedAttr}
	if s.Policy == "" {
		return a, fmt.Errorf("%s.policy: is required", field)
	}
	pol, ok := schedPolicies[s.Policy]
	if !ok {
		return a, fmt.Errorf("%s.policy: unknown or unsupported policy %q", field, s.Policy)
	}
	a.Policy = pol
	for i, f := range s.Flags {
		v, ok := schedFlags[f]
		if !ok {
			return a, fmt.Errorf("%s.flags[%d]: unknown flag %q", field, i, f)
		}
		a.Flags |= v
	}
	fair := pol == unix.SCHED_NORMAL || pol == unix.SCHED_BATCH
	rt := pol == unix.SCHED_FIFO || pol == unix.SCHED_RR
	dl := pol == unix.SCHED_DEADLINE
	switch {
	case s.Nice < -20 || s.Nice > 19:
		return a, fmt.Errorf("%s.nice: %d is outside -20..19", field, s.Nice)
	case s.Nice != 0 && !fair:
		// sched_setattr(2) uses sched_nice only for SCHED_OTHER and SCHED_BATCH.
		return a, fmt.Errorf("%s.nice: only applies to SCHED_OTHER and SCHED_BATCH, not %s", field, s.Policy)
	case rt && (s.Priority < 1 || s.Priority > 99):
		return a, fmt.Errorf("%s.priority: %d is outside 1..99 for %s", field, s.Priority, s.Policy)
	case !rt && s.Priority != 0:
		return a, fmt.Errorf("%s.priority: only applies to SCHED_FIFO and SCHED_RR, not %s", field, s.Policy)
	case !dl && (s.Runtime != 0 || s.Deadline != 0 || s.Period != 0):
		return a, fmt.Errorf("%s: runtime, deadline and period only apply to SCHED_DEADLINE", field)
	case dl && (s.Runtime == 0 || s.Deadline < s.Runtime || (s.Period != 0 && s.Period < s.Deadline)):
		return a, fmt.Errorf("%s: SCHED_DEADLINE needs 0 < runtime <= deadline <= period", field)
	}
	a.Nice, a.Priority = s.Nice, uint32(s.Priority)
	a.Runtime, a.Deadline, a.Period = s.Runtime, s.Deadline, s.Period
	return a, nil
}

var ioprioClasses = map[specs.IOPriorityClass]int{
	specs.IOPRIO_CLASS_RT: 1, specs.IOPRIO_CLASS_BE: 2, specs.IOPRIO_CLASS_IDLE: 3,
}

// IOPrio converts process.ioPriority for ioprio_set(2).
func IOPrio(p *specs.LinuxIOPriority, field string) (int, error) {
	class, ok := ioprioClasses[p.Class]
	if !ok {
		return 0, fmt.Errorf("%s.class: unknown class %q", field, p.Class)
	}
	if p.Priority < 0 || p.Priority > 7 {
		return 0, fmt.Errorf("%s.priority: %d is outside 0..7", field, p.Priority)
	}
	// IOPRIO_PRIO_VALUE(class, data) in linux/ioprio.h.
	return class<<13 | p.Priority, nil
}

// CPUSet parses a CPU list ("0-3,7") into a sched_setaffinity(2) mask.
func CPUSet(list, field string) (*unix.CPUSet, error) {
	var set unix.CPUSet
	ids, err := parseList(list, len(set)*bits.UintSize)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	for _, id := range ids {
		set.Set(id)
	}
	return &set, nil
}

// parseList parses a comma-separated list of numbers and ranges below max.
func parseList(list string, max int) ([]int, error) {
	if strings.TrimSpace(list) == "" {
		return nil, fmt.Errorf("empty list")
	}
	var out []int
	for _, part := range strings.Split(list, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a < 0 || b < a || b >= max {
			return nil, fmt.Errorf("invalid list %q (want numbers and ranges below %d, as 0-3,7)", list, max)
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}

func validateCPUAffinity(a *specs.CPUAffinity, field string) error {
	if a.Initial != "" {
		if _, err := CPUSet(a.Initial, field+".initial"); err != nil {
			return err
		}
	}
	if a.Final != "" {
		if _, err := CPUSet(a.Final, field+".final"); err != nil {
			return err
		}
	}
	return nil
}

// Personality converts linux.personality for personality(2).
func Personality(p *specs.LinuxPersonality) (uintptr, error) {
	if len(p.Flags) > 0 {
		return 0, fmt.Errorf("linux.personality.flags: unknown flag %q (the spec defines none)", p.Flags[0])
	}
	switch p.Domain {
	case specs.PerLinux:
		return 0x0000, nil // PER_LINUX
	case specs.PerLinux32:
		return 0x0008, nil // PER_LINUX32
	}
	return 0, fmt.Errorf("linux.personality.domain: unknown domain %q (LINUX or LINUX32)", p.Domain)
}

var mpolModes = map[specs.MemoryPolicyModeType]uintptr{
	specs.MpolDefault: 0, specs.MpolPreferred: 1, specs.MpolBind: 2, specs.MpolInterleave: 3,
	specs.MpolLocal: 4, specs.MpolPreferredMany: 5, specs.MpolWeightedInterleave: 6,
}

var mpolFlags = map[specs.MemoryPolicyFlagType]uintptr{
	specs.MpolFNumaBalancing: 1 << 13, specs.MpolFRelativeNodes: 1 << 14, specs.MpolFStaticNodes: 1 << 15,
}

// maxNumaNodes bounds the node mask (the kernel's MAX_NUMNODES is at most 1024).
const maxNumaNodes = 1024

// MemPolicy is linux.memoryPolicy as set_mempolicy(2) takes it.
type MemPolicy struct {
	Mode  uintptr  // mode | flags
	Nodes []uint64 // node mask, nil for none
}

// MemoryPolicy converts linux.memoryPolicy for set_mempolicy(2).
func MemoryPolicy(p *specs.LinuxMemoryPolicy) (MemPolicy, error) {
	var out MemPolicy
	mode, ok := mpolModes[p.Mode]
	if !ok {
		return out, fmt.Errorf("linux.memoryPolicy.mode: unknown mode %q", p.Mode)
	}
	out.Mode = mode
	for i, f := range p.Flags {
		v, ok := mpolFlags[f]
		if !ok {
			return out, fmt.Errorf("linux.memoryPolicy.flags[%d]: unknown flag %q", i, f)
		}
		out.Mode |= v
	}
	noNodes := p.Mode == specs.MpolDefault || p.Mode == specs.MpolLocal
	switch {
	case noNodes && (p.Nodes != "" || len(p.Flags) > 0):
		return out, fmt.Errorf("linux.memoryPolicy: %s takes neither nodes nor flags", p.Mode)
	case !noNodes && p.Mode != specs.MpolPreferred && p.Nodes == "":
		return out, fmt.Errorf("linux.memoryPolicy.nodes: %s needs nodes", p.Mode)
	case out.Mode&mpolFlags[specs.MpolFStaticNodes] != 0 && out.Mode&mpolFlags[specs.MpolFRelativeNodes] != 0:
		return out, fmt.Errorf("linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other")
	case out.Mode&mpolFlags[specs.MpolFNumaBalancing] != 0 && p.Mode != specs.MpolBind && p.Mode != specs.MpolPreferredMany:
		return out, fmt.Errorf("linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING needs MPOL_BIND or MPOL_PREFERRED_MANY")
	}
	if p.Nodes == "" {
		return out, nil
	}
	ids, err := parseList(p.Nodes, maxNumaNodes)
	if err != nil {
		return out, fmt.Errorf("linux.memoryPolicy.nodes: %w", err)
	}
	for _, id := range ids {
		for len(out.Nodes) <= id/64 {
			out.Nodes = append(out.Nodes, 0)
		}
		out.Nodes[id/64] |= 1 << (id % 64)
	}
	return out, nil
}

// MemoryPolicyModes and MemoryPolicyFlags are what `minirun features` reports.
func MemoryPolicyModes() []string { return sortedKeys(mpolModes) }

// MemoryPolicyFlags lists the memory policy flags minirun applies.
func MemoryPolicyFlags() []string { return sortedKeys(mpolFlags) }

func sortedKeys[K ~string, V any](m map[K]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, string(k))
	}
	sort.Strings(out)
	return out
}
