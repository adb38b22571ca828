package seccomp

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

const newListener = 8 // SECCOMP_FILTER_FLAG_NEW_LISTENER

// Load installs a BPF program on the calling thread (or all threads with
// TSYNC). With notify, it returns the listener fd (seccomp_unotify(2)).
func Load(bpf []byte, flags uint, notify bool) (int, error) {
	if len(bpf) == 0 || len(bpf)%8 != 0 {
		return -1, fmt.Errorf("seccomp: program of %d bytes is not a sock_filter array", len(bpf))
	}
	if notify {
		flags |= newListener
	}
	prog := unix.SockFprog{Len: uint16(len(bpf) / 8), Filter: (*unix.SockFilter)(unsafe.Pointer(&bpf[0]))}
	r, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, 1 /* SECCOMP_SET_MODE_FILTER */, uintptr(flags), uintptr(unsafe.Pointer(&prog)))
	runtime.KeepAlive(bpf)
	if errno != 0 {
		return -1, fmt.Errorf("seccomp: load filter: %w", errno)
	}
	if notify {
		return int(r), nil
	}
	return -1, nil
}
