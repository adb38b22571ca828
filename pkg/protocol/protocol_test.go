package protocol

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

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

func TestErrorMessageAndBootstrapError(t *testing.T) {
	var buf bytes.Buffer
	SendError(&buf, errors.New("mount /proc: permission denied"))
	if err := Expect(&buf, KindReady); err == nil || err.Error() != "mount /proc: permission denied" {
		t.Fatalf("got %v", err)
	}
	WriteFrame(&buf, []byte("error setns to namespace type 0x20000: Invalid argument"))
	var m Message
	if err := Recv(&buf, &m); err == nil || !strings.HasPrefix(err.Error(), "setns") {
		t.Fatalf("bootstrap error not surfaced: %v", err)
	}
}

func TestWrongKindAndOversizedFrame(t *testing.T) {
	var buf bytes.Buffer
	Send(&buf, Message{Kind: KindMountsReady})
	if err := Expect(&buf, KindReady); err == nil {
		t.Fatal("wrong kind accepted")
	}
	buf.Reset()
	buf.Write([]byte{0x7f, 0xff, 0xff, 0xff})
	if _, err := ReadFrame(&buf); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("oversized frame: %v", err)
	}
}
