package specgen

import specs "github.com/opencontainers/runtime-spec/specs-go"

// DefaultSeccomp blocks the syscalls Docker's default profile keeps from
// containers (kernel modules, mount, namespaces, keyrings, bpf, tracing,
// reboot and kexec, clock changes ...) with EPERM, allowing the rest.
func DefaultSeccomp() *specs.LinuxSeccomp {
	eperm := uint(1)
	return &specs.LinuxSeccomp{
		DefaultAction: specs.ActAllow,
		Architectures: []specs.Arch{specs.ArchX86_64, specs.ArchX86, specs.ArchX32},
		Syscalls: []specs.LinuxSyscall{{
			Names: []string{
				"acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module",
				"delete_module", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick",
				"get_kernel_syms", "get_mempolicy", "init_module", "ioperm", "iopl", "kcmp",
				"kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mbind", "mount",
				"mount_setattr", "move_mount", "move_pages", "name_to_handle_at", "nfsservctl",
				"open_by_handle_at", "open_tree", "perf_event_open", "personality", "pivot_root",
				"process_vm_readv", "process_vm_writev", "ptrace", "query_module", "quotactl",
				"quotactl_fd", "reboot", "request_key", "set_mempolicy", "setns", "settimeofday",
				"stime", "swapoff", "swapon", "sysfs", "_sysctl", "umount", "umount2", "unshare",
				"uselib", "userfaultfd", "ustat", "vm86", "vm86old",
			},
			Action:   specs.ActErrno,
			ErrnoRet: &eperm,
		}},
	}
}
