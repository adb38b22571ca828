package cgroups

import (
	"testing"

	"github.com/cilium/ebpf/asm"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestDeviceRulesLastMatchWins(t *testing.T) {
	maj1, min3, min1 := int64(1), int64(3), int64(1)
	rules := devRules(append([]specs.LinuxDeviceCgroup{
		{Allow: false, Access: "rwm"},                                      // deny everything
		{Allow: true, Type: "c", Major: &maj1, Minor: &min1, Access: "r"},  // /dev/mem read only
		{Allow: false, Type: "c", Major: &maj1, Minor: &min3, Access: "w"}, // no writes to /dev/null
	}, DefaultAllowedDevices...))
	cases := []struct {
		typ, major, minor, access uint32
		want                      bool
	}{
		{devTypeChar, 1, 1, accRead, true},              // /dev/mem read: allowed by its rule
		{devTypeChar, 1, 1, accRead | accWrite, false},  // read+write: the rule grants only read
		{devTypeChar, 1, 3, accWrite, true},             // /dev/null: the default rules come later and allow it
		{devTypeChar, 10, 200, accRead, false},          // /dev/net/tun: denied
		{devTypeChar, 10, 200, accMknod, true},          // mknod of any char device is allowed
		{devTypeBlock, 8, 0, accRead, false},            // a disk: denied
		{devTypeChar, 136, 4, accRead | accWrite, true}, // a pty
	}
	for _, c := range cases {
		if got := deviceAllowed(rules, c.typ, c.major, c.minor, c.access); got != c.want {
			t.Errorf("type %d %d:%d access %d: allowed=%v, want %v", c.typ, c.major, c.minor, c.access, got, c.want)
		}
	}
	if deviceAllowed(nil, devTypeBlock, 8, 0, accRead) != true {
		t.Error("no rules must allow, like a fresh v1 cgroup")
	}
}

func TestDeviceProgramShape(t *testing.T) {
	maj := int64(1)
	prog := deviceProgram(devRules([]specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}, {Allow: true, Type: "c", Major: &maj, Access: "rw"}}))
	// Every jump must resolve to a symbol the program defines.
	syms := map[string]bool{}
	for _, ins := range prog {
		if s := ins.Symbol(); s != "" {
			syms[s] = true
		}
	}
	for _, ins := range prog {
		if ref := ins.Reference(); ref != "" && !syms[ref] {
			t.Errorf("jump to undefined %q", ref)
		}
	}
	if last := prog[len(prog)-1]; last.OpCode != asm.Return().OpCode {
		t.Error("program does not end in exit")
	}
	if err := prog.Marshal(new(bytesBuffer), hostByteOrder()); err != nil {
		t.Fatalf("program does not assemble: %v", err)
	}
}

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
