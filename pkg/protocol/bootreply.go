package protocol

import (
	"encoding/binary"
	"fmt"
	"math"
)

// What comes back on the init socket while the bootstrap runs. nsenter.c
// (send_record, bail, parent_writes_maps) writes these; this file is its
// mirror, and the only Go reader of them.
const (
	ReplyPid   = recPid         // the cloned child's pid; the bootstrap has exited
	ReplyError = recBootError   // the bootstrap failed and exited
	ReplyMaps  = recMapsRequest // write the maps of Pid, then MapsAnswer
	// ReplyFromInit is the Go init's own error instead of a reply: the
	// constructor never ran (a binary built with CGO_ENABLED=0), so the
	// init read the bootstrap frame as its config.
	ReplyFromInit = msgError
)

// MaxBootReply bounds a reply: nsenter.c's messages are under 1 KiB.
const MaxBootReply = 4096

// BootReply is one reply of the bootstrap.
type BootReply struct {
	Kind uint16 // ReplyPid, ReplyError, ReplyMaps or ReplyFromInit
	Pid  int    // ReplyPid, ReplyMaps
	Err  string // ReplyError, ReplyFromInit: bytes as sent, NULs and newlines included
}

// Encode renders the reply as nsenter.c does (the tests use it).
func (r BootReply) Encode() []byte {
	if r.Kind == ReplyError || r.Kind == ReplyFromInit {
		return appendRecord(nil, r.Kind, []byte(r.Err))
	}
	return appendRecord(nil, r.Kind, u32Payload(uint32(r.Pid)))
}

// DecodeBootReply parses a reply frame's body: exactly one record of a
// reply type, numbers of their exact size, pids that can be pids.
func DecodeBootReply(body []byte) (BootReply, error) {
	if len(body) > MaxBootReply {
		return BootReply{}, fmt.Errorf("bootstrap: reply of %d bytes exceeds %d", len(body), MaxBootReply)
	}
	typ, p, err := oneRecord(body)
	if err != nil {
		return BootReply{}, fmt.Errorf("bootstrap: reply: %w", err)
	}
	switch typ {
	case ReplyError, ReplyFromInit:
		return BootReply{Kind: typ, Err: string(p)}, nil
	case ReplyPid, ReplyMaps:
		if len(p) != 4 {
			return BootReply{}, fmt.Errorf("bootstrap: reply %d has %d bytes, want 4", typ, len(p))
		}
		pid := binary.BigEndian.Uint32(p)
		if pid == 0 || pid > math.MaxInt32 {
			return BootReply{}, fmt.Errorf("bootstrap: reply %d names pid %d", typ, pid)
		}
		return BootReply{Kind: typ, Pid: int(pid)}, nil
	}
	return BootReply{}, fmt.Errorf("bootstrap: unknown reply type %d", typ)
}

// MapsAnswer is the body the parent sends after a maps request: ok
// releases the child; anything else makes the bootstrap exit.
func MapsAnswer(ok bool) []byte {
	if ok {
		return appendRecord(nil, recMapsOK, nil)
	}
	return appendRecord(nil, recMapsAbort, nil)
}
