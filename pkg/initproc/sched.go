package initproc

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/minirun/minirun/pkg/config"
	"github.com/minirun/minirun/pkg/protocol"
	"golang.org/x/sys/unix"
)

// procAttrs are the per-thread attributes execve(2) keeps: scheduling
// policy, I/O priority, CPU affinity, personality and memory policy
// (sched(7), ioprio_set(2), personality(2), set_mempolicy(2)). The init
// sets them on its own locked thread, the one that calls execve.
type procAttrs struct {
	personality *uintptr
	mempolicy   *config.MemPolicy
	ioprio      *int
	sched       *unix.SchedAttr
	affinity    *unix.CPUSet // execCPUAffinity.final; exec only
}

// attrsOf converts the config's fields; the parent validated them with the
// same conversions, so an error here means a config changed underway.
func attrsOf(c *protocol.Config) (procAttrs, error) {
	var a procAttrs
	p, l := c.Spec.Process, c.Spec.Linux
	if l != nil && l.Personality != nil {
		v, err := config.Personality(l.Personality)
		if err != nil {
			return a, err
		}
		a.personality = &v
	}
	if l != nil && l.MemoryPolicy != nil {
		v, err := config.MemoryPolicy(l.MemoryPolicy)
		if err != nil {
			return a, err
		}
		a.mempolicy = &v
	}
	if p.IOPriority != nil {
		v, err := config.IOPrio(p.IOPriority, "process.ioPriority")
		if err != nil {
			return a, err
		}
		a.ioprio = &v
	}
	if p.Scheduler != nil {
		v, err := config.SchedAttr(p.Scheduler, "process.scheduler")
		if err != nil {
			return a, err
		}
		a.sched = &v
	}
	// The spec: execCPUAffinity does not apply to the container's init.
	if c.Exec && p.ExecCPUAffinity != nil && p.ExecCPUAffinity.Final != "" {
		v, err := config.CPUSet(p.ExecCPUAffinity.Final, "process.execCPUAffinity.final")
		if err != nil {
			return a, err
		}
		a.affinity = v
	}
	return a, nil
}

// setInitialAffinity applies execCPUAffinity.initial to the runtime's own
// work inside the container, before the process's final one is set.
func setInitialAffinity(c *protocol.Config) error {
	aff := c.Spec.Process.ExecCPUAffinity
	if aff == nil || aff.Initial == "" {
		return nil
	}
	set, err := config.CPUSet(aff.Initial, "process.execCPUAffinity.initial")
	if err == nil {
		err = unix.SchedSetaffinity(0, set)
	}
	if err != nil {
		return fmt.Errorf("process.execCPUAffinity.initial %s: %w", aff.Initial, err)
	}
	return nil
}

func (a procAttrs) apply() error {
	if a.personality != nil {
		if _, _, e := unix.RawSyscall(unix.SYS_PERSONALITY, *a.personality, 0, 0); e != 0 {
			return fmt.Errorf("linux.personality: personality %#x: %w", *a.personality, e)
		}
	}
	if m := a.mempolicy; m != nil {
		var mask unsafe.Pointer
		maxnode := uintptr(0)
		if len(m.Nodes) > 0 {
			mask = unsafe.Pointer(&m.Nodes[0])
			// The kernel reads maxnode-1 bits (set_mempolicy(2), numactl does the same).
			maxnode = uintptr(len(m.Nodes)*64 + 1)
		}
		if _, _, e := unix.Syscall(unix.SYS_SET_MEMPOLICY, m.Mode, uintptr(mask), maxnode); e != 0 {
			return fmt.Errorf("linux.memoryPolicy: set_mempolicy %#x: %w", m.Mode, e)
		}
	}
	if a.ioprio != nil {
		const ioprioWhoProcess = 1 // who 0: the calling thread
		if _, _, e := unix.RawSyscall(unix.SYS_IOPRIO_SET, ioprioWhoProcess, 0, uintptr(*a.ioprio)); e != 0 {
			return fmt.Errorf("process.ioPriority: ioprio_set %#x: %w", *a.ioprio, e)
		}
	}
	if a.sched != nil {
		err := unix.SchedSetAttr(0, a.sched, 0)
		if errors.Is(err, unix.EPERM) && (a.sched.Policy == unix.SCHED_FIFO || a.sched.Policy == unix.SCHED_RR) {
			return fmt.Errorf("process.scheduler: sched_setattr: %w (a real-time policy needs real-time runtime in the cpu cgroup: linux.resources.cpu.realtimeRuntime)", err)
		}
		if err != nil {
			return fmt.Errorf("process.scheduler: sched_setattr: %w", err)
		}
	}
	if a.affinity != nil {
		if err := unix.SchedSetaffinity(0, a.affinity); err != nil {
			return fmt.Errorf("process.execCPUAffinity.final: %w", err)
		}
	}
	return nil
}
