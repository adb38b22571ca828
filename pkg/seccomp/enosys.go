package seccomp

import (
	"encoding/binary"
	"fmt"
)

// ArchLimit is, for one architecture of the profile, the highest syscall
// number the profile names, and whether it names clone3.
type ArchLimit struct {
	AuditArch  uint32
	MaxNr      uint32
	HasClone3  bool
	Clone3Nr   uint32 // 0 when the arch has no clone3
	X32Capable bool   // x86_64: numbers with bit 30 set are x32 calls, left to the profile
}

// Classic BPF opcodes used by the stub.
const (
	bpfLdAbsW = 0x20 // BPF_LD|BPF_W|BPF_ABS
	bpfJeqK   = 0x15 // BPF_JMP|BPF_JEQ|BPF_K
	bpfJgtK   = 0x25 // BPF_JMP|BPF_JGT|BPF_K
	bpfJsetK  = 0x45 // BPF_JMP|BPF_JSET|BPF_K
	bpfJa     = 0x05 // BPF_JMP|BPF_JA
	bpfRetK   = 0x06 // BPF_RET|BPF_K

	retErrno = 0x00050000 // SECCOMP_RET_ERRNO
	enosys   = 38
	x32Bit   = 0x40000000
	offNr    = 0 // struct seccomp_data.nr
	offArch  = 4 // struct seccomp_data.arch
)

type insn struct {
	code   uint16
	jt, jf uint8
	k      uint32
}

// ENOSYSStub returns BPF instructions to put before a filter: a syscall
// newer than any the profile names, or clone3 when the profile does not
// name it, fails with ENOSYS instead of the default action, so libc falls
// back to the older call (runc patches its filters the same way).
func ENOSYSStub(limits []ArchLimit) []byte {
	var body []insn
	for _, l := range limits {
		var block []insn
		block = append(block, insn{code: bpfLdAbsW, k: offNr})
		if l.X32Capable {
			block = append(block, insn{code: bpfJsetK, k: x32Bit}) // jt patched below: to "continue"
		}
		block = append(block, insn{code: bpfJgtK, k: l.MaxNr}) // jt patched: to ENOSYS
		if !l.HasClone3 && l.Clone3Nr != 0 {
			block = append(block, insn{code: bpfJeqK, k: l.Clone3Nr})
		}
		block = append(block, insn{code: bpfJa}) // k patched: to "continue"
		body = append(body, insn{code: bpfJeqK, k: l.AuditArch, jf: uint8(len(block))})
		body = append(body, block...)
	}
	// Layout: [ld arch] body [ja +1] [ret ENOSYS] <filter>
	prog := append([]insn{{code: bpfLdAbsW, k: offArch}}, body...)
	cont := len(prog)       // index of "ja +1"
	retIdx := len(prog) + 1 // index of "ret ENOSYS"
	prog = append(prog, insn{code: bpfJa, k: 1}, insn{code: bpfRetK, k: retErrno | enosys})
	for i := 1; i < cont; i++ {
		in := &prog[i]
		switch {
		case in.code == bpfJsetK:
			in.jt = uint8(cont - i - 1)
		case in.code == bpfJgtK || (in.code == bpfJeqK && in.jf == 0):
			in.jt = uint8(retIdx - i - 1)
		case in.code == bpfJa && in.k == 0:
			in.k = uint32(cont - i - 1)
		}
	}
	return encode(prog)
}

func encode(prog []insn) []byte {
	out := make([]byte, 8*len(prog))
	for i, in := range prog {
		binary.NativeEndian.PutUint16(out[8*i:], in.code)
		out[8*i+2], out[8*i+3] = in.jt, in.jf
		binary.NativeEndian.PutUint32(out[8*i+4:], in.k)
	}
	return out
}

// Prepend joins the stub and a filter, checking the kernel's 4096-instruction limit.
func Prepend(stub, filter []byte) ([]byte, error) {
	if n := (len(stub) + len(filter)) / 8; n > 4096 {
		return nil, fmt.Errorf("seccomp: filter of %d instructions exceeds the kernel's 4096", n)
	}
	return append(append([]byte{}, stub...), filter...), nil
}
