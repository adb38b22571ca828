// Package rlimits owns process.rlimits: the names the spec uses, and the
// two halves of applying them. The parent raises hard limits, because
// raising one needs CAP_SYS_RESOURCE in the initial user namespace
// (setrlimit(2)), which an init in a user namespace never has; the init
// sets the exact values as its last step before execve(2), so its own Go
// runtime never runs under them (a small RLIMIT_AS fails its next mmap, a
// small RLIMIT_NPROC its next thread, and one in force at setuid(2) makes
// execve fail with EAGAIN).
package rlimits

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

var nums = map[string]int{
	"RLIMIT_AS": unix.RLIMIT_AS, "RLIMIT_CORE": unix.RLIMIT_CORE, "RLIMIT_CPU": unix.RLIMIT_CPU,
	"RLIMIT_DATA": unix.RLIMIT_DATA, "RLIMIT_FSIZE": unix.RLIMIT_FSIZE, "RLIMIT_LOCKS": 10,
	"RLIMIT_MEMLOCK": unix.RLIMIT_MEMLOCK, "RLIMIT_MSGQUEUE": 12, "RLIMIT_NICE": 13,
	"RLIMIT_NOFILE": unix.RLIMIT_NOFILE, "RLIMIT_NPROC": unix.RLIMIT_NPROC, "RLIMIT_RSS": unix.RLIMIT_RSS,
	"RLIMIT_RTPRIO": 14, "RLIMIT_RTTIME": 15, "RLIMIT_SIGPENDING": 11, "RLIMIT_STACK": unix.RLIMIT_STACK,
}

// Known reports whether name is an rlimit the kernel has.
func Known(name string) bool {
	_, ok := nums[name]
	return ok
}

// RaiseHard lifts, on process pid, each hard limit the list asks above the
// one it has; soft limits and lowering are left to Apply. A limit is never
// tightened here, so the init's runtime keeps running as before.
func RaiseHard(pid int, list []specs.POSIXRlimit) error {
	for _, r := range list {
		var cur unix.Rlimit
		if err := unix.Prlimit(pid, nums[r.Type], nil, &cur); err != nil {
			return fmt.Errorf("process.rlimits %s: read: %w", r.Type, err)
		}
		if r.Hard <= cur.Max {
			continue
		}
		lim := unix.Rlimit{Cur: cur.Cur, Max: r.Hard}
		if err := unix.Prlimit(pid, nums[r.Type], &lim, nil); err != nil {
			return fmt.Errorf("process.rlimits %s: raise hard limit to %d: %w", r.Type, r.Hard, err)
		}
	}
	return nil
}

// Apply sets the calling process's limits to exactly the list's. After
// RaiseHard it only lowers hard limits, which needs no privilege. Through
// x/sys's Prlimit on pid 0 it also tells the Go runtime not to restore its
// saved RLIMIT_NOFILE at execve.
func Apply(list []specs.POSIXRlimit) error {
	for _, r := range list {
		lim := unix.Rlimit{Cur: r.Soft, Max: r.Hard}
		if err := unix.Prlimit(0, nums[r.Type], &lim, nil); err != nil {
			return fmt.Errorf("process.rlimits %s: %w", r.Type, err)
		}
	}
	return nil
}
