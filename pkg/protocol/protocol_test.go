package protocol

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func frameOf(body []byte) *bytes.Buffer {
	var buf bytes.Buffer
	if err := WriteFrame(&buf, body); err != nil {
		panic(err)
	}
	return &buf
}

func TestFrameRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := Send(&buf, Message{Kind: KindReady}); err != nil {
		t.Fatal(err)
	}
	if err := Expect(&buf, KindReady); err != nil {
		t.Fatalf("expect ready: %v", err)
	}
	if _, err := ReadFrame(&buf); !errors.Is(err, ErrClosed) {
		t.Fatalf("empty reader: got %v, want ErrClosed", err)
	}
}

// Each kind after the bootstrap comes back as it was sent.
func TestMessageRoundTrips(t *testing.T) {
	state := json.RawMessage(`{"ociVersion":"1.2.0","id":"c","status":"creating"}`)
	msgs := []Outgoing{
		Message{Kind: KindMountsReady},
		HookState{Message: Message{Kind: KindHooksDone}, State: state},
		Message{Kind: KindReady},
		HookState{Message: Message{Kind: KindStart}, State: state},
		Message{Kind: KindError, Error: "mount /proc: permission denied"},
	}
	for _, m := range msgs {
		var buf bytes.Buffer
		if err := Send(&buf, m); err != nil {
			t.Fatal(err)
		}
		var got HookState
		if err := Recv(&buf, &got); err != nil {
			t.Fatalf("%+v: %v", m, err)
		}
		want, ok := m.(HookState)
		if !ok {
			want = HookState{Message: m.(Message)}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip: got %+v, want %+v", got, want)
		}
	}
}

func TestConfigRoundTrip(t *testing.T) {
	c := Config{ID: "c", Spec: &specs.Spec{Version: "1.2.0", Process: &specs.Process{Args: []string{"sh"}}},
		Rootfs: "/r", MountNS: MountNSNew, Seccomp: []byte{1, 2, 0, 3},
		Fds: ChildFds{Sock: 3, Console: 4, Start: -1, Listener: -1, Log: -1, MountSources: map[int]int{2: 5}, FirstFree: 3, LastFd: 5}}
	var buf bytes.Buffer
	if err := Send(&buf, c); err != nil {
		t.Fatal(err)
	}
	var got Config
	if err := Recv(&buf, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, c)
	}
}

// Error text is bytes on the wire: newlines and NULs arrive intact.
func TestErrorTextIntact(t *testing.T) {
	text := "exec \"a\nb\": no such file\x00 or directory\n"
	var buf bytes.Buffer
	SendError(&buf, errors.New(text))
	if err := Expect(&buf, KindReady); err == nil || err.Error() != text {
		t.Fatalf("got %q, want %q", err, text)
	}
}

// The C child may still fail after the bootstrap's pid reply (becoming
// root in its user namespace): its error record reads as an Error.
func TestBootstrapChildErrorReadsAsError(t *testing.T) {
	buf := frameOf(BootReply{Kind: ReplyError, Err: "setresuid to namespace root: Invalid argument"}.Encode())
	if err := Expect(buf, KindMountsReady); err == nil || err.Error() != "setresuid to namespace root: Invalid argument" {
		t.Fatalf("got %v", err)
	}
}

func TestWrongKindAndOversizedFrame(t *testing.T) {
	var buf bytes.Buffer
	Send(&buf, Message{Kind: KindMountsReady})
	if err := Expect(&buf, KindReady); err == nil {
		t.Fatal("wrong kind accepted")
	}
	Send(&buf, Message{Kind: KindReady})
	var c Config
	if err := Recv(&buf, &c); err == nil {
		t.Fatal("a ready message decoded as a config")
	}
	buf.Reset()
	buf.Write([]byte{0x7f, 0xff, 0xff, 0xff})
	if _, err := ReadFrame(&buf); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("oversized frame: %v", err)
	}
	if err := Send(&buf, Message{Kind: "resume"}); err == nil {
		t.Fatal("an unknown kind was sent")
	}
}

func TestRecvRefusesMalformedFrames(t *testing.T) {
	frames := map[string][]byte{
		"unknown type":           record(99, nil),
		"bootstrap record":       record(recClone, make([]byte, 8)),
		"truncated header":       {0, byte(msgReady), 0},
		"payload overruns":       append(binary.BigEndian.AppendUint16(nil, msgError), 0, 0, 0, 9, 'x'),
		"two records":            append(record(msgReady, nil), record(msgReady, nil)...),
		"ready with a payload":   record(msgReady, []byte("x")),
		"config that is no json": record(msgConfig, []byte("{")),
		"old JSON form":          []byte(`{"kind":"ready"}`),
		"empty frame":            {},
	}
	for name, body := range frames {
		var m HookState
		if err := Recv(frameOf(body), &m); err == nil {
			t.Errorf("%s: decoded to %+v, want an error", name, m)
		}
	}
	// A frame cut short by the peer's death is not a clean close.
	cut := frameOf(record(msgReady, nil))
	cut.Truncate(cut.Len() - 2)
	var m Message
	if err := Recv(cut, &m); err == nil || errors.Is(err, ErrClosed) {
		t.Fatalf("truncated frame: %v", err)
	}
}

func TestReadFrameMaxRefusesBeforeReading(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteFrame(&buf, make([]byte, 5000)); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFrameMax(&buf, 4096); err == nil {
		t.Fatal("a 5000-byte frame was read under a 4096-byte bound")
	}
	if buf.Len() != 5000 {
		t.Fatalf("the body was read (%d bytes left), want it refused from the header", buf.Len())
	}
}
