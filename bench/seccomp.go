package main

import (
	"fmt"
	"os"
	"path/filepath"

	libseccomp "github.com/seccomp/libseccomp-golang"
)

// blocked are the calls Docker's default profile keeps from containers.
var blocked = map[string]bool{
	"acct": true, "add_key": true, "bpf": true, "clock_adjtime": true, "clock_settime": true, "create_module": true,
	"delete_module": true, "finit_module": true, "get_kernel_syms": true, "init_module": true, "ioperm": true,
	"iopl": true, "kcmp": true, "kexec_file_load": true, "kexec_load": true, "keyctl": true, "lookup_dcookie": true,
	"mount": true, "move_pages": true, "nfsservctl": true, "open_by_handle_at": true, "perf_event_open": true,
	"pivot_root": true, "process_vm_readv": true, "process_vm_writev": true, "ptrace": true, "query_module": true,
	"quotactl": true, "reboot": true, "request_key": true, "setns": true, "settimeofday": true, "swapoff": true,
	"swapon": true, "sysfs": true, "_sysctl": true, "umount2": true, "unshare": true, "uselib": true,
	"userfaultfd": true, "ustat": true, "vm86": true, "vm86old": true,
}

// dockerLikeProfile allows every x86_64 syscall libseccomp knows except
// the blocked ones, with an errno default: the shape and size (~350 names)
// of Docker's default profile, which is what makes compiling it cost.
func dockerLikeProfile() map[string]any {
	var names []string
	for nr := 0; nr < 500; nr++ {
		name, err := libseccomp.ScmpSyscall(nr).GetNameByArch(libseccomp.ArchAMD64)
		if err == nil && !blocked[name] {
			names = append(names, name)
		}
	}
	return map[string]any{
		"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
		"architectures": []string{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"},
		"syscalls":      []map[string]any{{"names": names, "action": "SCMP_ACT_ALLOW"}},
	}
}

// seccompCost measures create with a Docker-like profile: minirun with its
// compiled-filter cache warm and with it off, runc and crun beside.
func seccompCost(rts []runtime, dir, busybox string, n int) {
	profile := dockerLikeProfile()
	fmt.Printf("\n%-26s%12s%12s\n", "create, Docker-like seccomp", "median ms", "CPU ms")
	for _, rt := range rts {
		modes := []string{""}
		if rt.name == "minirun" {
			modes = []string{"cache on", "cache off"}
		}
		for _, mode := range modes {
			name := rt.name + "-seccomp" + map[string]string{"": "", "cache on": "-cached", "cache off": "-uncached"}[mode]
			b := bundleWith(dir, name, busybox, rt.ociVer, []string{"/bin/sleep", "1000"}, func(l map[string]any) { l["seccomp"] = profile })
			root := filepath.Join(dir, name+"-state")
			if mode == "cache off" {
				os.Setenv("MINIRUN_SECCOMP_CACHE", "off")
			}
			var samples []sample
			for i := 0; i < n; i++ {
				id := fmt.Sprintf("s%d", i)
				s, err := timed(rt, root, "create", "--bundle", b, id)
				if err != nil {
					fatal(err.Error())
				}
				samples = append(samples, s)
				timed(rt, root, "delete", "--force", id)
			}
			os.Unsetenv("MINIRUN_SECCOMP_CACHE")
			label := rt.name
			if mode != "" {
				label += " (" + mode + ")"
			}
			fmt.Printf("%-26s%12.2f%12.2f\n", label, float64(median(samples).Microseconds())/1000, medianCPU(samples))
		}
	}
	removeBenchCgroups()
}
