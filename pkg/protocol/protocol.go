// Package protocol owns the messages between the runtime (parent) and the
// container's init or exec process (child). Both sides import it, so the
// message table below is the whole contract.
//
//	step  direction        message            meaning
//	1     parent -> boot   bootstrap frame    length-prefixed typed records: namespaces to join/create, id maps (pkg/protocol/bootstrap.go)
//	2     boot -> parent   "pid N"/"error X"  the cloned child's pid; the bootstrap process exits
//	3     parent -> child  Config             what to build and run
//	4     child -> parent  MountsReady        rootfs mounted, before pivot_root: run prestart/createRuntime hooks
//	5     parent -> child  HooksDone          hooks succeeded; continue
//	6     child -> parent  Ready              create: created, waiting for start; exec: about to execve
//	any   child -> parent  Error              a step failed; the child exits
//
// An exec child sends Ready and then execve(2)s: the socket is close-on-exec,
// so EOF after Ready tells the parent the exec happened, and an Error frame
// tells it why not. `start` talks to a created init the same way over the
// start socket: it sends Start, and EOF means the user process was exec'd.
package protocol

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Message kinds.
const (
	KindMountsReady = "mounts-ready"
	KindHooksDone   = "hooks-done"
	KindReady       = "ready"
	KindError       = "error"
	KindStart       = "start"
)

// BootstrapEnv names the inherited socket the C constructor talks on.
const BootstrapEnv = "_MINIRUN_BOOTSTRAP"

// maxFrame bounds what either side will allocate for one frame.
const maxFrame = 16 << 20

// Message is one step of the exchange after the bootstrap.
type Message struct {
	Kind  string `json:"kind"`
	Error string `json:"error,omitempty"`
}

// ErrClosed reports that the peer closed the socket between frames.
var ErrClosed = errors.New("peer closed the connection")

// WriteFrame writes one length-prefixed frame in a single write, so frames
// from two writers never interleave.
func WriteFrame(w io.Writer, body []byte) error {
	if len(body) > maxFrame {
		return fmt.Errorf("frame of %d bytes exceeds %d", len(body), maxFrame)
	}
	buf := make([]byte, 4+len(body))
	binary.BigEndian.PutUint32(buf, uint32(len(body)))
	copy(buf[4:], body)
	_, err := w.Write(buf)
	return err
}

// ReadFrame reads one frame; a clean EOF before the header is ErrClosed.
func ReadFrame(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ErrClosed
		}
		return nil, fmt.Errorf("read frame header: %w", err)
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrame {
		return nil, fmt.Errorf("frame of %d bytes exceeds %d", n, maxFrame)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("read frame body: %w", err)
	}
	return body, nil
}

// Send writes v as a JSON frame.
func Send(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode message: %w", err)
	}
	return WriteFrame(w, b)
}

// Recv reads a JSON frame into v. A frame in the bootstrap's text form
// "error ..." (sent by the C side) comes back as an error.
func Recv(r io.Reader, v any) error {
	b, err := ReadFrame(r)
	if err != nil {
		return err
	}
	if s := string(b); strings.HasPrefix(s, "error ") {
		return errors.New(strings.TrimPrefix(s, "error "))
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode message: %w", err)
	}
	return nil
}

// Expect reads a Message and checks its kind; an Error message becomes an error.
func Expect(r io.Reader, kind string) error {
	var m Message
	if err := Recv(r, &m); err != nil {
		return err
	}
	if m.Kind == KindError {
		return errors.New(m.Error)
	}
	if m.Kind != kind {
		return fmt.Errorf("protocol: got %q, want %q", m.Kind, kind)
	}
	return nil
}

// SendError reports a failed step; the child exits after it.
func SendError(w io.Writer, err error) error {
	return Send(w, Message{Kind: KindError, Error: err.Error()})
}
