package cgroups

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"runtime"
	"unsafe"

	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"
)

// The device program needs two bpf(2) commands, BPF_PROG_LOAD and
// BPF_PROG_ATTACH, so they are made here directly: cilium/ebpf's loader
// package brings BTF, ELF and Go-source parsers into every minirun
// process (about 2 MB of the binary that each command maps and faults in),
// while only its asm package is needed to assemble the instructions.

// progLoadAttr is the BPF_PROG_LOAD part of union bpf_attr (linux/bpf.h).
type progLoadAttr struct {
	progType    uint32
	insnCnt     uint32
	insns       uint64
	license     uint64
	logLevel    uint32
	logSize     uint32
	logBuf      uint64
	kernVersion uint32
	progFlags   uint32
	progName    [16]byte
}

// progAttachAttr is the BPF_PROG_ATTACH part of union bpf_attr.
type progAttachAttr struct {
	targetFd     uint32
	attachBpfFd  uint32
	attachType   uint32
	attachFlags  uint32
	replaceBpfFd uint32
}

// loadDeviceProgram loads insns as a BPF_PROG_TYPE_CGROUP_DEVICE program
// and returns its fd; a verifier refusal comes back with the verifier's log.
func loadDeviceProgram(insns asm.Instructions) (int, error) {
	var code bytes.Buffer
	if err := insns.Marshal(&code, hostByteOrder()); err != nil {
		return -1, fmt.Errorf("assemble: %w", err)
	}
	prog := code.Bytes()
	license := []byte("Apache-2.0\x00")
	logBuf := make([]byte, 64<<10)
	attr := progLoadAttr{
		progType: unix.BPF_PROG_TYPE_CGROUP_DEVICE,
		insnCnt:  uint32(len(prog) / asm.InstructionSize),
		insns:    uint64(uintptr(unsafe.Pointer(&prog[0]))),
		license:  uint64(uintptr(unsafe.Pointer(&license[0]))),
	}
	copy(attr.progName[:], "minirun_dev")
	fd, err := bpf(unix.BPF_PROG_LOAD, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	if err == unix.EACCES || err == unix.EINVAL {
		// Load again with the verifier's log, to say why.
		attr.logLevel, attr.logSize = 1, uint32(len(logBuf))
		attr.logBuf = uint64(uintptr(unsafe.Pointer(&logBuf[0])))
		fd, err = bpf(unix.BPF_PROG_LOAD, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
		if err != nil {
			if n := bytes.IndexByte(logBuf, 0); n > 0 {
				err = fmt.Errorf("%w: %s", err, bytes.TrimSpace(logBuf[:n]))
			}
		}
	}
	runtime.KeepAlive(prog)
	runtime.KeepAlive(license)
	runtime.KeepAlive(logBuf)
	if err != nil {
		return -1, fmt.Errorf("bpf(BPF_PROG_LOAD): %w", err)
	}
	return fd, nil
}

// attachCgroupProgram attaches a device program to the cgroup directory
// open at cgroupFd, beside any already there (BPF_F_ALLOW_MULTI: all
// must allow an access).
func attachCgroupProgram(cgroupFd, progFd int) error {
	attr := progAttachAttr{
		targetFd:    uint32(cgroupFd),
		attachBpfFd: uint32(progFd),
		attachType:  unix.BPF_CGROUP_DEVICE,
		attachFlags: unix.BPF_F_ALLOW_MULTI,
	}
	if _, err := bpf(unix.BPF_PROG_ATTACH, unsafe.Pointer(&attr), unsafe.Sizeof(attr)); err != nil {
		return fmt.Errorf("bpf(BPF_PROG_ATTACH): %w", err)
	}
	return nil
}

func bpf(cmd int, attr unsafe.Pointer, size uintptr) (int, error) {
	r, _, errno := unix.Syscall(unix.SYS_BPF, uintptr(cmd), uintptr(attr), size)
	if errno != 0 {
		return -1, errno
	}
	return int(r), nil
}

// hostByteOrder is the kernel's byte order for instructions, as one of the
// two values asm's Marshal accepts (binary.NativeEndian is neither).
func hostByteOrder() binary.ByteOrder {
	var x uint16 = 1
	if *(*byte)(unsafe.Pointer(&x)) == 1 {
		return binary.LittleEndian
	}
	return binary.BigEndian
}
