package cgroups

import (
	"fmt"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func validateResources(r *specs.LinuxResources) error {
	if r == nil {
		return nil
	}
	for i, d := range r.Devices {
		if d.Type != "" && d.Type != "a" && d.Type != "b" && d.Type != "c" {
			return fmt.Errorf("linux.resources.devices[%d].type: unknown type %q", i, d.Type)
		}
		for _, c := range d.Access {
			if !strings.ContainsRune("rwm", c) {
				return fmt.Errorf("linux.resources.devices[%d].access: %q is not made of r, w, m", i, d.Access)
			}
		}
	}
	if c := r.CPU; c != nil && c.Shares != nil && *c.Shares != 0 && *c.Shares < 2 {
		return fmt.Errorf("linux.resources.cpu.shares: %d is below the minimum of 2", *c.Shares)
	}
	if b := r.BlockIO; b != nil && b.Weight != nil && *b.Weight != 0 && (*b.Weight < 10 || *b.Weight > 1000) {
		return fmt.Errorf("linux.resources.blockIO.weight: %d is outside 10..1000", *b.Weight)
	}
	return nil
}

// Set writes the resources into the container's cgroups; the first value
// the kernel rejects is returned naming the file and value.
func (s *State) Set(r *specs.LinuxResources) error {
	if r == nil {
		return nil
	}
	if s.Layout.IsV2() {
		return s.setV2(r)
	}
	// Fail closed, as runc ("cannot use unified on cgroup v1"): v1 files
	// would never see these keys, and a hybrid host's unified mount holds
	// no controller v1 binds.
	if len(r.Unified) > 0 {
		return fmt.Errorf("linux.resources.unified: cannot use unified on cgroup v1")
	}
	return s.setV1(r)
}

// w is a file write that is skipped when its controller is absent.
type w struct {
	file, value string
}

func num(v int64) string   { return fmt.Sprint(v) }
func unum(v uint64) string { return fmt.Sprint(v) }

// ConvertSharesToWeight maps cpu.shares [2, 262144] to cpu.weight [1, 10000] as runc does.
func ConvertSharesToWeight(shares uint64) uint64 {
	if shares == 0 {
		return 0
	}
	return 1 + ((shares-2)*9999)/262142
}

// ConvertBlkioToIOWeight maps blkio.weight [10, 1000] to io.weight [1, 10000].
func ConvertBlkioToIOWeight(weight uint16) uint64 {
	if weight == 0 {
		return 0
	}
	return 1 + (uint64(weight)-10)*9999/990
}

// DefaultAllowedDevices are the device cgroup rules every container gets
// after its own, so the default devices and ptys keep working.
var DefaultAllowedDevices = []specs.LinuxDeviceCgroup{
	{Allow: true, Type: "c", Major: i64(1), Minor: i64(3), Access: "rwm"}, // null
	{Allow: true, Type: "c", Major: i64(1), Minor: i64(5), Access: "rwm"}, // zero
	{Allow: true, Type: "c", Major: i64(1), Minor: i64(7), Access: "rwm"}, // full
	{Allow: true, Type: "c", Major: i64(1), Minor: i64(8), Access: "rwm"}, // random
	{Allow: true, Type: "c", Major: i64(1), Minor: i64(9), Access: "rwm"}, // urandom
	{Allow: true, Type: "c", Major: i64(5), Minor: i64(0), Access: "rwm"}, // tty
	{Allow: true, Type: "c", Major: i64(5), Minor: i64(2), Access: "rwm"}, // ptmx
	{Allow: true, Type: "c", Major: i64(136), Minor: nil, Access: "rwm"},  // pts/*
	{Allow: true, Type: "c", Major: nil, Minor: nil, Access: "m"},         // mknod of any char device
	{Allow: true, Type: "b", Major: nil, Minor: nil, Access: "m"},         // mknod of any block device
}

func i64(v int64) *int64 { return &v }

func deviceRule(d specs.LinuxDeviceCgroup) string {
	t := d.Type
	if t == "" {
		t = "a"
	}
	maj, min := "*", "*"
	if d.Major != nil && *d.Major >= 0 {
		maj = num(*d.Major)
	}
	if d.Minor != nil && *d.Minor >= 0 {
		min = num(*d.Minor)
	}
	acc := d.Access
	if acc == "" {
		acc = "rwm"
	}
	if t == "a" {
		return "a"
	}
	return fmt.Sprintf("%s %s:%s %s", t, maj, min, acc)
}
