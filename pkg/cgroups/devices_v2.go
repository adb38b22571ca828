package cgroups

import (
	"fmt"
	"os"

	"github.com/cilium/ebpf/asm"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// cgroup v2 has no devices files: access is decided by an eBPF program of
// type BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup. Its context is
// struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; },
// the device type in the low 16 bits of access_type, the access in the high.
const (
	devTypeBlock = 1 // BPF_DEVCG_DEV_BLOCK
	devTypeChar  = 2 // BPF_DEVCG_DEV_CHAR
	accMknod     = 1 // BPF_DEVCG_ACC_MKNOD
	accRead      = 2 // BPF_DEVCG_ACC_READ
	accWrite     = 4 // BPF_DEVCG_ACC_WRITE
)

// devRule is one rule in the program's terms; -1 or 0 is a wildcard.
type devRule struct {
	allow        bool
	typ          uint32 // 0: any
	major, minor int64  // -1: any
	access       uint32
}

func devRules(list []specs.LinuxDeviceCgroup) []devRule {
	var out []devRule
	for _, d := range list {
		r := devRule{allow: d.Allow, major: -1, minor: -1}
		switch d.Type {
		case "b":
			r.typ = devTypeBlock
		case "c":
			r.typ = devTypeChar
		}
		if d.Major != nil {
			r.major = *d.Major
		}
		if d.Minor != nil {
			r.minor = *d.Minor
		}
		acc := d.Access
		if acc == "" {
			acc = "rwm"
		}
		for _, c := range acc {
			r.access |= map[rune]uint32{'r': accRead, 'w': accWrite, 'm': accMknod}[c]
		}
		out = append(out, r)
	}
	return out
}

// matches is the rule test both the program and deviceAllowed apply: the
// last matching rule wins, as with v1's devices.allow/deny written in order.
// An allow rule covers a request only if it grants every requested access;
// a deny rule hits a request asking for any access it names.
func (r devRule) matches(typ, major, minor, access uint32) bool {
	if (r.typ != 0 && r.typ != typ) || (r.major >= 0 && uint32(r.major) != major) || (r.minor >= 0 && uint32(r.minor) != minor) {
		return false
	}
	if r.allow {
		return access&^r.access == 0
	}
	return access&r.access != 0
}

// deviceAllowed is the program's decision computed in Go, for tests.
func deviceAllowed(rules []devRule, typ, major, minor, access uint32) bool {
	for i := len(rules) - 1; i >= 0; i-- {
		if rules[i].matches(typ, major, minor, access) {
			return rules[i].allow
		}
	}
	return true
}

// deviceProgram emits the rules last-first, each jumping to the next on a
// mismatch; no match allows, like a fresh v1 cgroup.
func deviceProgram(rules []devRule) asm.Instructions {
	insns := asm.Instructions{
		asm.LoadMem(asm.R2, asm.R1, 0, asm.Word), // access_type
		asm.Mov.Reg32(asm.R3, asm.R2),
		asm.And.Imm32(asm.R2, 0xffff), // R2: device type
		asm.RSh.Imm32(asm.R3, 16),     // R3: access
		asm.LoadMem(asm.R4, asm.R1, 4, asm.Word),
		asm.LoadMem(asm.R5, asm.R1, 8, asm.Word),
	}
	for i := len(rules) - 1; i >= 0; i-- {
		r, next := rules[i], fmt.Sprintf("rule%d", i-1)
		var block asm.Instructions
		if r.typ != 0 {
			block = append(block, asm.JNE.Imm(asm.R2, int32(r.typ), next))
		}
		if r.major >= 0 {
			block = append(block, asm.JNE.Imm(asm.R4, int32(r.major), next))
		}
		if r.minor >= 0 {
			block = append(block, asm.JNE.Imm(asm.R5, int32(r.minor), next))
		}
		block = append(block, asm.Mov.Reg32(asm.R6, asm.R3))
		if r.allow {
			block = append(block, asm.And.Imm32(asm.R6, int32(^r.access&7)), asm.JNE.Imm(asm.R6, 0, next))
		} else {
			block = append(block, asm.And.Imm32(asm.R6, int32(r.access)), asm.JEq.Imm(asm.R6, 0, next))
		}
		ret := int32(0)
		if r.allow {
			ret = 1
		}
		block = append(block, asm.Mov.Imm(asm.R0, ret), asm.Return())
		block[0] = block[0].WithSymbol(fmt.Sprintf("rule%d", i))
		insns = append(insns, block...)
	}
	return append(insns, asm.Mov.Imm(asm.R0, 1).WithSymbol("rule-1"), asm.Return())
}

// attachDevices loads the program and attaches it to dir. The attachment
// lives as long as the cgroup; the program fd is closed here.
func attachDevices(dir string, list []specs.LinuxDeviceCgroup) error {
	prog, err := loadDeviceProgram(deviceProgram(devRules(list)))
	if err != nil {
		return fmt.Errorf("linux.resources.devices: load eBPF device program: %w", err)
	}
	defer unix.Close(prog)
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("linux.resources.devices: %w", err)
	}
	defer d.Close()
	if err := attachCgroupProgram(int(d.Fd()), prog); err != nil {
		return fmt.Errorf("linux.resources.devices: attach eBPF device program to %s: %w", dir, err)
	}
	return nil
}
