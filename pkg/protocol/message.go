package protocol

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Message kinds after the bootstrap, with their record types.
const (
	KindConfig      = "config"
	KindMountsReady = "mounts-ready"
	KindHooksDone   = "hooks-done"
	KindReady       = "ready"
	KindStart       = "start"
	KindError       = "error"
)

var kindTypes = map[string]uint16{KindConfig: msgConfig, KindMountsReady: msgMountsReady,
	KindHooksDone: msgHooksDone, KindReady: msgReady, KindStart: msgStart, KindError: msgError}

// typeKinds reads a record type back; the bootstrap's clone reports its
// failures before Go with the bootstrap's error record, on the same socket.
var typeKinds = map[uint16]string{msgConfig: KindConfig, msgMountsReady: KindMountsReady,
	msgHooksDone: KindHooksDone, msgReady: KindReady, msgStart: KindStart, msgError: KindError,
	recBootError: KindError}

// Message is one step of the exchange after the bootstrap.
type Message struct {
	Kind  string
	Error string // KindError only
}

// HookState is a Message with the state JSON hooks get on stdin: it rides
// on hooks-done and start.
type HookState struct {
	Message
	State json.RawMessage
}

// Outgoing is what Send writes: a Message, a HookState or a Config.
type Outgoing interface {
	record() (uint16, []byte, error)
}

// Incoming is what Recv fills: a *Message, a *HookState or a *Config.
type Incoming interface {
	decode(typ uint16, p []byte) error
}

func (m Message) record() (uint16, []byte, error) {
	typ, ok := kindTypes[m.Kind]
	switch {
	case !ok || m.Kind == KindConfig:
		return 0, nil, fmt.Errorf("protocol: no message of kind %q", m.Kind)
	case m.Kind == KindError:
		return typ, []byte(m.Error), nil
	}
	return typ, nil, nil
}

func (m HookState) record() (uint16, []byte, error) {
	typ, p, err := m.Message.record()
	if err == nil && (m.Kind == KindHooksDone || m.Kind == KindStart) {
		p = m.State
	}
	return typ, p, err
}

func (c Config) record() (uint16, []byte, error) {
	b, err := json.Marshal(c)
	return msgConfig, b, err
}

func (m *Message) decode(typ uint16, p []byte) error {
	var h HookState
	if err := h.decode(typ, p); err != nil {
		return err
	}
	*m = h.Message
	return nil
}

func (m *HookState) decode(typ uint16, p []byte) error {
	kind, ok := typeKinds[typ]
	switch {
	case !ok:
		return fmt.Errorf("protocol: unknown message type %d", typ)
	case kind == KindConfig:
		return errors.New("protocol: got a config, want a message")
	case kind == KindError:
		*m = HookState{Message: Message{Kind: kind, Error: string(p)}}
	case kind == KindHooksDone || kind == KindStart:
		*m = HookState{Message: Message{Kind: kind}, State: json.RawMessage(p)}
		if len(p) == 0 {
			m.State = nil
		}
	case len(p) != 0:
		return fmt.Errorf("protocol: %s message with a %d-byte payload", kind, len(p))
	default:
		*m = HookState{Message: Message{Kind: kind}}
	}
	return nil
}

func (c *Config) decode(typ uint16, p []byte) error {
	if typ != msgConfig {
		return fmt.Errorf("protocol: got message type %d, want config", typ)
	}
	// Through the init's view of the spec (initSpec): the outer Spec
	// hides the embedded one, whose type encoding/json then never walks.
	type fields Config
	var v struct {
		fields
		Spec *initSpec `json:"spec"`
	}
	if err := json.Unmarshal(p, &v); err != nil {
		return fmt.Errorf("decode config: %w", err)
	}
	*c = Config(v.fields)
	c.Spec = v.Spec.spec()
	return nil
}

// Send writes m as one frame.
func Send(w io.Writer, m Outgoing) error {
	typ, p, err := m.record()
	if err != nil {
		return fmt.Errorf("encode message: %w", err)
	}
	return WriteFrame(w, appendRecord(nil, typ, p))
}

// Recv reads one frame into m; a frame that is not one known record of a
// kind m can hold is refused.
func Recv(r io.Reader, m Incoming) error {
	body, err := ReadFrame(r)
	if err != nil {
		return err
	}
	typ, p, err := oneRecord(body)
	if err != nil {
		return fmt.Errorf("protocol: %w", err)
	}
	return m.decode(typ, p)
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
