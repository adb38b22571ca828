//go:build cgo

package seccomp

import (
	"fmt"

	libseccomp "github.com/seccomp/libseccomp-golang"
)

// auditArches maps the AUDIT_ARCH_* value a seccomp notification carries
// to libseccomp's architecture.
var auditArches = map[uint32]libseccomp.ScmpArch{
	0xc000003e: libseccomp.ArchAMD64, 0x40000003: libseccomp.ArchX86, 0xc00000b7: libseccomp.ArchARM64,
}

// SyscallName names syscall nr of the architecture in a seccomp_data
// record, or "syscall_N" where libseccomp does not know it.
func SyscallName(nr int32, arch uint32) string {
	if a, ok := auditArches[arch]; ok {
		if name, err := libseccomp.ScmpSyscall(nr).GetNameByArch(a); err == nil {
			return name
		}
	}
	return fmt.Sprintf("syscall_%d", nr)
}
