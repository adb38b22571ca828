package protocol

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestBootReplyRoundTrips(t *testing.T) {
	for _, r := range []BootReply{
		{Kind: ReplyPid, Pid: 4194304},
		{Kind: ReplyMaps, Pid: 1},
		{Kind: ReplyError, Err: "setns to namespace type 0x20000: Invalid argument"},
		// Bytes, not a C string: a newline or a NUL cannot end or split it.
		{Kind: ReplyError, Err: "bootstrap: open /sys/fs/cgroup/a\nb\x00c: No such file"},
	} {
		got, err := DecodeBootReply(r.Encode())
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Errorf("round trip of %+v: got %+v, %v", r, got, err)
		}
	}
}

func TestDecodeBootReplyRefusesHostile(t *testing.T) {
	u32 := func(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
	frames := map[string][]byte{
		"empty":              {},
		"truncated header":   {0, byte(recPid), 0, 0},
		"truncated pid":      record(recPid, u32(7))[:8],
		"length overruns":    append([]byte{0, byte(recBootError), 0xff, 0xff, 0xff, 0xff}, 'x'),
		"oversized pid":      record(recPid, make([]byte, 8)),
		"short maps":         record(recMapsRequest, []byte{1}),
		"pid 0":              record(recPid, u32(0)),
		"negative pid":       record(recPid, u32(0xffffffff)),
		"unknown type":       record(99, u32(1)),
		"a bootstrap record": record(recLastFd, u32(3)),
		"two records":        append(record(recPid, u32(7)), record(recPid, u32(8))...),
		"oversized error":    record(recBootError, []byte(strings.Repeat("x", MaxBootReply))),
		"old text form":      []byte("pid 42"),
	}
	for name, body := range frames {
		if r, err := DecodeBootReply(body); err == nil {
			t.Errorf("%s: decoded to %+v, want an error", name, r)
		}
	}
}

// Without the C constructor the Go init reads the bootstrap frame as its
// config and answers with its own Error: the parent must tell it apart
// from the bootstrap's (a CGO_ENABLED=0 build).
func TestDecodeBootReplyKnowsTheGoInit(t *testing.T) {
	frame, err := Bootstrap{CloneFlags: 0x20000, LastFd: 3}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	var c Config
	err = Recv(frameOf(frame), &c)
	if err == nil {
		t.Fatal("the Go init took the bootstrap frame for a config")
	}
	var answer bytes.Buffer
	SendError(&answer, fmt.Errorf("init: read config: %w", err)) // what initproc.Main does
	body, _ := ReadFrame(&answer)
	r, err := DecodeBootReply(body)
	if err != nil || r.Kind != ReplyFromInit || !strings.HasPrefix(r.Err, "init: read config: ") {
		t.Fatalf("got %+v, %v; want the Go init's error", r, err)
	}
}

func TestMapsAnswer(t *testing.T) {
	if got := MapsAnswer(true); !reflect.DeepEqual(got, []byte{0, byte(recMapsOK), 0, 0, 0, 0}) {
		t.Fatalf("ok: %x", got)
	}
	if got := MapsAnswer(false); got[1] != byte(recMapsAbort) || len(got) != 6 {
		t.Fatalf("abort: %x", got)
	}
}
