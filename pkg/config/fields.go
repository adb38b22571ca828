package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Fail closed: a field minirun does not apply is refused by name, never
// accepted in silence. fields_test.go walks every field of the spec and
// fails when one is in neither its handled nor its refused list, so a new
// spec field cannot slip through unnoticed.

// refuseUnappliedProcess refuses the process fields nothing applies; it
// runs for config.json and for exec's process.json.
func refuseUnappliedProcess(p *specs.Process, field string) error {
	switch {
	case p.User.Username != "":
		return fmt.Errorf("%s.user.username: is a Windows field; on Linux give process.user.uid", field)
	case p.CommandLine != "":
		return fmt.Errorf("%s.commandLine: is a Windows field; on Linux give process.args", field)
	}
	return nil
}

// validateProcessAttrs checks the scheduling fields the init applies.
func validateProcessAttrs(p *specs.Process, field string) error {
	if p.Scheduler != nil {
		if _, err := SchedAttr(p.Scheduler, field+".scheduler"); err != nil {
			return err
		}
	}
	if p.IOPriority != nil {
		if _, err := IOPrio(p.IOPriority, field+".ioPriority"); err != nil {
			return err
		}
	}
	if p.ExecCPUAffinity != nil {
		return validateCPUAffinity(p.ExecCPUAffinity, field+".execCPUAffinity")
	}
	return nil
}

// refuseUnapplied refuses the rest of the spec's unapplied fields.
func refuseUnapplied(s *specs.Spec, sysRoot string) error {
	switch {
	case s.Solaris != nil:
		return fmt.Errorf("solaris: not supported on Linux")
	case s.Windows != nil:
		return fmt.Errorf("windows: not supported on Linux")
	case s.VM != nil:
		return fmt.Errorf("vm: minirun runs containers, not virtual machines")
	case s.ZOS != nil:
		return fmt.Errorf("zos: not supported on Linux")
	case s.FreeBSD != nil:
		return fmt.Errorf("freebsd: not supported on Linux")
	}
	l := s.Linux
	if l == nil {
		return nil
	}
	switch {
	case l.IntelRdt != nil:
		return fmt.Errorf("linux.intelRdt: %s", intelRdtMissing(sysRoot))
	}
	if l.Personality != nil {
		if _, err := Personality(l.Personality); err != nil {
			return err
		}
	}
	if l.MemoryPolicy != nil {
		if _, err := MemoryPolicy(l.MemoryPolicy); err != nil {
			return err
		}
	}
	return refuseUnappliedResources(l.Resources, sysRoot)
}

func refuseUnappliedResources(r *specs.LinuxResources, sysRoot string) error {
	if r == nil {
		return nil
	}
	if r.Rdma != nil {
		return fmt.Errorf("linux.resources.rdma: %s", rdmaMissing(sysRoot))
	}
	if m := r.Memory; m != nil {
		// Since Linux 5.16 (and on cgroup v2 always) memory cgroups are
		// hierarchical; only false would ask for something not applied.
		if m.UseHierarchy != nil && !*m.UseHierarchy {
			return fmt.Errorf("linux.resources.memory.useHierarchy: false is not supported (the kernel's memory cgroups are always hierarchical)")
		}
		if m.CheckBeforeUpdate != nil && *m.CheckBeforeUpdate {
			return fmt.Errorf("linux.resources.memory.checkBeforeUpdate: not supported by minirun")
		}
	}
	return nil
}

// resctrlMagic is RDTGROUP_SUPER_MAGIC (include/uapi/linux/magic.h).
const resctrlMagic = 0x7655821

// intelRdtMissing says why linux.intelRdt cannot be applied: the host
// has no resctrl filesystem, or minirun does not drive it.
func intelRdtMissing(sysRoot string) string {
	var st unix.Statfs_t
	dir := filepath.Join(sysRoot, "fs/resctrl")
	if unix.Statfs(dir, &st) != nil || st.Type != resctrlMagic {
		return fmt.Sprintf("the host has no resctrl filesystem mounted at %s (Intel RDT)", dir)
	}
	return "not supported by minirun"
}

// rdmaMissing says why linux.resources.rdma cannot be applied: the host
// has no rdma cgroup controller, or minirun does not drive it.
func rdmaMissing(sysRoot string) string {
	if !hasRdmaController(sysRoot) {
		return "the host has no rdma cgroup controller"
	}
	return "not supported by minirun"
}

func hasRdmaController(sysRoot string) bool {
	if b, err := os.ReadFile(filepath.Join(sysRoot, "fs/cgroup/cgroup.controllers")); err == nil {
		return slices.Contains(strings.Fields(string(b)), "rdma")
	}
	ents, err := os.ReadDir(filepath.Join(sysRoot, "fs/cgroup"))
	if err != nil {
		return false
	}
	for _, e := range ents {
		if slices.Contains(strings.Split(e.Name(), ","), "rdma") {
			return true
		}
	}
	b, err := os.ReadFile(filepath.Join(sysRoot, "fs/cgroup/unified/cgroup.controllers"))
	return err == nil && slices.Contains(strings.Fields(string(b)), "rdma")
}
