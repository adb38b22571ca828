package seccomp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"testing"
)

// elf64 builds a little-endian ELF64 header with phnum program headers of
// phentsize bytes at offset 64, followed by body.
func elf64(phnum, phentsize uint16, phdrs, body []byte) []byte {
	h := make([]byte, 64)
	copy(h, "\x7fELF")
	h[4], h[5] = 2, 1
	binary.LittleEndian.PutUint64(h[32:], 64)
	binary.LittleEndian.PutUint16(h[54:], phentsize)
	binary.LittleEndian.PutUint16(h[56:], phnum)
	return append(append(h, phdrs...), body...)
}

func noteHeader(offset, size, align uint64) []byte {
	p := make([]byte, 56)
	binary.LittleEndian.PutUint32(p, ptNote)
	binary.LittleEndian.PutUint64(p[8:], offset)
	binary.LittleEndian.PutUint64(p[32:], size)
	binary.LittleEndian.PutUint64(p[48:], align)
	return p
}

func TestNoteSegmentsFindsTheGoNote(t *testing.T) {
	// namesz 3 ("Go\0"), descsz 4, type 4, name padded to 4, desc.
	note := binary.LittleEndian.AppendUint32(nil, 3)
	note = binary.LittleEndian.AppendUint32(note, 4)
	note = binary.LittleEndian.AppendUint32(note, noteGoBuildID)
	note = append(note, "Go\x00\x00abcd"...)
	f := elf64(1, 56, noteHeader(64+56, uint64(len(note)), 4), note)
	notes, bo, err := noteSegments(bytes.NewReader(f))
	if err != nil || len(notes) != 1 {
		t.Fatalf("notes %v, err %v", notes, err)
	}
	n := notes[0]
	got := buildIDNotes(bo, f[n.offset:n.offset+n.size], n.align)
	if len(got) != 1 || got[0] != "go:abcd" {
		t.Fatalf("build ids %q", got)
	}
}

func TestNoteSegmentsRefusesHostileHeaders(t *testing.T) {
	for name, f := range map[string][]byte{
		"empty":            nil,
		"short":            []byte("\x7fELF\x02\x01"),
		"no magic":         append([]byte("\x7fELG"), make([]byte, 60)...),
		"bad class":        func() []byte { b := elf64(0, 56, nil, nil); b[4] = 9; return b }(),
		"bad byte order":   func() []byte { b := elf64(0, 56, nil, nil); b[5] = 0; return b }(),
		"tiny phentsize":   elf64(1, 8, make([]byte, 8), nil),
		"too many headers": elf64(5000, 56, nil, nil),
		"headers past eof": elf64(3, 56, noteHeader(0, 0, 4), nil),
	} {
		if notes, _, err := noteSegments(bytes.NewReader(f)); err == nil {
			t.Errorf("%s: accepted, notes %v", name, notes)
		}
	}
	if _, _, err := noteSegments(bytes.NewReader([]byte("#!/bin/sh\n" + string(make([]byte, 60))))); !errors.Is(err, errNotELF) {
		t.Errorf("a script: %v, want errNotELF", err)
	}
}

func TestBuildIDRefusesHugeNoteSegment(t *testing.T) {
	f := elf64(1, 56, noteHeader(0, 1<<40, 4), nil)
	p := t.TempDir() + "/huge"
	if err := os.WriteFile(p, f, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := BuildID(p); err == nil {
		t.Fatal("a note segment of 1 TiB was read")
	}
}
