//go:build !cgo

package seccomp

import (
	"errors"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Compile needs libseccomp, which needs cgo.
func Compile(sc *specs.LinuxSeccomp) ([]byte, []string, error) {
	return nil, nil, errors.New("seccomp: this minirun was built without cgo and cannot compile filters")
}

// LibraryVersion names the missing library.
func LibraryVersion() string { return "none" }

func libraryAPI() string { return "api none" }

// SyscallName cannot resolve names without libseccomp.
func SyscallName(nr int32, arch uint32) string { return "syscall_" + strconv.Itoa(int(nr)) }
