package protocol

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// recHeader is a record's 2-byte type and 4-byte length.
const recHeader = 6

func appendRecord(out []byte, typ uint16, payload []byte) []byte {
	out = binary.BigEndian.AppendUint16(out, typ)
	out = binary.BigEndian.AppendUint32(out, uint32(len(payload)))
	return append(out, payload...)
}

// eachRecord calls fn with each record of body in order. A length that
// overruns the body is refused before any payload is handed out, so no
// value can be read as part of another.
func eachRecord(body []byte, fn func(typ uint16, p []byte) error) error {
	for len(body) > 0 {
		if len(body) < recHeader {
			return errors.New("truncated record header")
		}
		typ := binary.BigEndian.Uint16(body)
		n := binary.BigEndian.Uint32(body[2:])
		if uint64(n) > uint64(len(body)-recHeader) {
			return fmt.Errorf("record of %d bytes overruns the frame", n)
		}
		if err := fn(typ, body[recHeader:recHeader+int(n)]); err != nil {
			return err
		}
		body = body[recHeader+int(n):]
	}
	return nil
}

// oneRecord is the body of every frame but the bootstrap's.
func oneRecord(body []byte) (uint16, []byte, error) {
	var typ uint16
	var p []byte
	count := 0
	err := eachRecord(body, func(t uint16, b []byte) error {
		typ, p = t, b
		count++
		return nil
	})
	switch {
	case err != nil:
		return 0, nil, err
	case count != 1:
		return 0, nil, fmt.Errorf("frame holds %d records, want 1", count)
	}
	return typ, p, nil
}

func u32Payload(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
