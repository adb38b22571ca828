// Command trysys calls a few syscalls that container profiles deny and prints
// what the kernel answered, one line each, so a lab can show seccomp at work
// without needing keyutils or util-linux in the rootfs. Build it static:
//
//	CGO_ENABLED=0 go build -o rootfs/bin/trysys ./docs/lab/trysys
//
// Usage: trysys [keyctl] [add_key] [unshare] [mount] (no argument: all four).
package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

const (
	keySpecProcessKeyring = ^uintptr(1) // KEY_SPEC_PROCESS_KEYRING is -2
	keyctlGetKeyringID    = 0           // KEYCTL_GET_KEYRING_ID
)

var calls = map[string]func() error{
	// keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, create=1)
	"keyctl": func() error {
		_, _, e := syscall.Syscall(syscall.SYS_KEYCTL, keyctlGetKeyringID, keySpecProcessKeyring, 1)
		return errnoErr(e)
	},
	// add_key("user", "lab", "x", 1, KEY_SPEC_PROCESS_KEYRING): the keyring
	// dies with this process.
	"add_key": func() error {
		typ, desc, data := cstr("user"), cstr("lab"), []byte("x")
		_, _, e := syscall.Syscall6(syscall.SYS_ADD_KEY, uintptr(unsafe.Pointer(typ)), uintptr(unsafe.Pointer(desc)),
			uintptr(unsafe.Pointer(&data[0])), uintptr(len(data)), keySpecProcessKeyring, 0)
		return errnoErr(e)
	},
	// unshare(CLONE_NEWUTS) on a locked thread that then dies with the process.
	"unshare": func() error {
		runtime.LockOSThread()
		return syscall.Unshare(syscall.CLONE_NEWUTS)
	},
	// A tmpfs on /tmp, inside the container's own mount namespace.
	"mount": func() error {
		return syscall.Mount("lab", "/tmp", "tmpfs", 0, "size=1m")
	},
}

func main() {
	names := os.Args[1:]
	if len(names) == 0 {
		names = []string{"keyctl", "add_key", "unshare", "mount"}
	}
	status := 0
	for _, n := range names {
		call, ok := calls[n]
		if !ok {
			fmt.Fprintf(os.Stderr, "trysys: unknown syscall %q\n", n)
			os.Exit(2)
		}
		if err := call(); err != nil {
			fmt.Printf("%-8s %v\n", n, err)
			status = 1
		} else {
			fmt.Printf("%-8s ok\n", n)
		}
	}
	os.Exit(status)
}

func cstr(s string) *byte {
	b := append([]byte(s), 0)
	return &b[0]
}

func errnoErr(e syscall.Errno) error {
	if e != 0 {
		return e
	}
	return nil
}
