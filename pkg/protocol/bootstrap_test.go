package protocol

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func TestBootstrapRoundTrip(t *testing.T) {
	b := Bootstrap{
		CloneFlags:    unix.CLONE_NEWNS | unix.CLONE_NEWUSER,
		JoinFds:       []JoinFd{{unix.CLONE_NEWNET, 5}},
		UIDMappings:   []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}, {ContainerID: 65536, HostID: 1, Size: 1}},
		GIDMappings:   []specs.LinuxIDMapping{{ContainerID: 0, HostID: 4294967294, Size: 1}},
		SetgroupsDeny: true,
		TimeOffsets:   map[string]specs.LinuxTimeOffset{"monotonic": {Secs: -86400, Nanosecs: 999999999}, "boottime": {Secs: 1 << 40}},
		// A newline is a legal path byte; as a length-prefixed value it
		// can no longer start another instruction.
		CgroupTasks: []string{"/sys/fs/cgroup/pids/a\nclone 0/tasks"},
		LastFd:      7,
	}
	if got := roundTrip(t, b); !reflect.DeepEqual(got, b) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, b)
	}
}

func TestBootstrapEncodeRefusesHostileValues(t *testing.T) {
	cases := map[string]Bootstrap{
		"clock with injected lines": {TimeOffsets: map[string]specs.LinuxTimeOffset{"monotonic 1 0\nclone 0\ncgroup /etc/passwd\nx": {}}, LastFd: 3},
		"unknown clock":             {TimeOffsets: map[string]specs.LinuxTimeOffset{"realtime": {}}, LastFd: 3},
		"NUL in cgroup path":        {CgroupTasks: []string{"/sys/fs/cgroup/pids/x\x00/etc/shadow"}, LastFd: 3},
		"relative cgroup path":      {CgroupTasks: []string{"tasks"}, LastFd: 3},
		"dot-dot in cgroup path":    {CgroupTasks: []string{"/sys/fs/cgroup/pids/../../../etc/passwd"}, LastFd: 3},
		"huge cgroup path":          {CgroupTasks: []string{"/" + strings.Repeat("a", MaxCgroupPath)}, LastFd: 3},
		"join fd not passed":        {JoinFds: []JoinFd{{unix.CLONE_NEWNET, 9}}, LastFd: 5},
	}
	for name, b := range cases {
		if frame, err := b.Encode(); err == nil {
			t.Errorf("%s: encoded to %q, want an error", name, frame)
		}
	}
}

func record(typ uint16, payload []byte) []byte {
	out := binary.BigEndian.AppendUint16(nil, typ)
	out = binary.BigEndian.AppendUint32(out, uint32(len(payload)))
	return append(out, payload...)
}

// hostileFrames are malformed frames the decoder must refuse (the C
// constructor's test sends its own set).
func hostileFrames() map[string][]byte {
	return map[string][]byte{
		"truncated header":    {0, 1, 0},
		"length overruns":     record(recClone, make([]byte, 8))[:10],
		"huge length":         append([]byte{0, recCgroup, 0xff, 0xff, 0xff, 0xff}, '/'),
		"short clone":         record(recClone, make([]byte, 4)),
		"long join":           record(recJoin, make([]byte, 12)),
		"unknown type":        record(99, nil),
		"clock id 0":          record(recTimeNS, make([]byte, 16)),
		"cgroup with NUL":     record(recCgroup, []byte("/a\x00b")),
		"relative cgroup":     record(recCgroup, []byte("a/tasks")),
		"setgroups with data": record(recSetgroups, []byte("deny")),
	}
}

func TestDecodeRefusesHostileFrames(t *testing.T) {
	for name, frame := range hostileFrames() {
		if b, err := DecodeBootstrap(frame); err == nil {
			t.Errorf("%s: decoded to %+v, want an error", name, b)
		}
	}
}

func TestFrameHasNoText(t *testing.T) {
	// The old form was lines of text; a frame now starts with a record header.
	frame, err := Bootstrap{LastFd: 3}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(frame, []byte{0, recClone, 0, 0, 0, 8}) {
		t.Fatalf("frame starts %x", frame[:6])
	}
}

// With ParentMaps the runtime writes the maps: none reach the bootstrap.
func TestBootstrapParentMapsSendsNoMaps(t *testing.T) {
	b := Bootstrap{CloneFlags: unix.CLONE_NEWUSER, ParentMaps: true, LastFd: 3,
		UIDMappings: []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1001, Size: 1}, {ContainerID: 1, HostID: 100000, Size: 65536}}}
	if got := roundTrip(t, b); !got.ParentMaps || len(got.UIDMappings) != 0 {
		t.Fatalf("decoded %+v: want ParentMaps and no map records", got)
	}
}

func TestBootstrapEncodeRefusesLastFdOutOfRange(t *testing.T) {
	for _, fd := range []int{0, 2, MaxLastFd + 1, 1<<31 - 1} {
		if _, err := (Bootstrap{LastFd: fd}).Encode(); err == nil {
			t.Errorf("LastFd %d encoded", fd)
		}
	}
}

// roundTrip encodes b and decodes the frame again.
func roundTrip(t *testing.T, b Bootstrap) Bootstrap {
	t.Helper()
	frame, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeBootstrap(frame)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
