package cgroups

import (
	"path/filepath"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// runc 1.5 (opencontainers/cgroups fs/pids.go): 0 is 1, negative is max,
// unset writes nothing; the same on v1 and v2.
func TestPidsLimitAsRunc(t *testing.T) {
	for _, v2 := range []bool{false, true} {
		l := fakeV1(t, "pids")
		if v2 {
			l = fakeV2(t)
		}
		s, err := Create(l, "/c", nil)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(l.Unified, "c")
		if !v2 {
			dir = filepath.Join(l.V1["pids"], "c")
		}
		touch(t, dir, "pids.max")
		for _, c := range []struct {
			limit *int64
			want  string
		}{{i64p(-1), "max"}, {i64p(0), "1"}, {i64p(7), "7"}, {nil, "7"}} {
			if err := s.Set(&specs.LinuxResources{Pids: &specs.LinuxPids{Limit: c.limit}}); err != nil {
				t.Fatal(err)
			}
			if got := read(t, dir, "pids.max"); got != c.want {
				t.Errorf("v2=%v limit %v: pids.max %q, want %q", v2, c.limit, got, c.want)
			}
		}
	}
}

// Without blkio.weight (a kernel with BFQ, not CFQ) the weights go to
// blkio.bfq.weight and blkio.bfq.weight_device, as runc does.
func TestBlkioWeightThroughBFQ(t *testing.T) {
	l := fakeV1(t, "blkio")
	s, err := Create(l, "/c", nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(l.V1["blkio"], "c")
	touch(t, dir, "blkio.bfq.weight", "blkio.bfq.weight_device")
	r := &specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{Weight: u16p(300),
		WeightDevice: []specs.LinuxWeightDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Weight: u16p(200)}}}}
	if err := s.Set(r); err != nil {
		t.Fatal(err)
	}
	if got := read(t, dir, "blkio.bfq.weight"); got != "300" {
		t.Errorf("blkio.bfq.weight %q", got)
	}
	if got := read(t, dir, "blkio.bfq.weight_device"); got != "8:0 200" {
		t.Errorf("blkio.bfq.weight_device %q", got)
	}
	// With CFQ's file present, it is the one.
	touch(t, dir, "blkio.weight", "blkio.weight_device")
	if err := s.Set(r); err != nil {
		t.Fatal(err)
	}
	if got := read(t, dir, "blkio.weight"); got != "300" {
		t.Errorf("blkio.weight %q", got)
	}
}
