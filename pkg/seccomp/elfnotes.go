package seccomp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Reading the build id needs only the ELF header and the program headers
// (elf(5)), so they are parsed here rather than with debug/elf, which
// would link DWARF and compression decoders into every minirun command.

type noteSegment struct {
	offset, size, align uint64
}

const ptNote = 4 // PT_NOTE

var errNotELF = errors.New("not an ELF file")

// noteSegments lists the PT_NOTE segments of the ELF file r, 32 or 64 bit,
// either byte order, and the file's byte order.
func noteSegments(r io.ReaderAt) ([]noteSegment, binary.ByteOrder, error) {
	var ident [64]byte
	if n, err := r.ReadAt(ident[:], 0); n < 52 {
		if err == nil || err == io.EOF {
			err = errNotELF
		}
		return nil, nil, err
	}
	if string(ident[:4]) != "\x7fELF" {
		return nil, nil, errNotELF
	}
	var bo binary.ByteOrder
	switch ident[5] { // EI_DATA
	case 1:
		bo = binary.LittleEndian
	case 2:
		bo = binary.BigEndian
	default:
		return nil, nil, fmt.Errorf("%w: byte order %d", errNotELF, ident[5])
	}
	var phoff uint64
	var phentsize, phnum, want int
	switch ident[4] { // EI_CLASS
	case 1:
		phoff, phentsize, phnum, want = uint64(bo.Uint32(ident[28:])), int(bo.Uint16(ident[42:])), int(bo.Uint16(ident[44:])), 32
	case 2:
		phoff, phentsize, phnum, want = bo.Uint64(ident[32:]), int(bo.Uint16(ident[54:])), int(bo.Uint16(ident[56:])), 56
	default:
		return nil, nil, fmt.Errorf("%w: class %d", errNotELF, ident[4])
	}
	if phentsize < want || phnum > 1024 {
		return nil, nil, fmt.Errorf("%w: %d program headers of %d bytes", errNotELF, phnum, phentsize)
	}
	ph := make([]byte, phentsize*phnum)
	if _, err := r.ReadAt(ph, int64(phoff)); err != nil {
		return nil, nil, fmt.Errorf("program headers: %w", err)
	}
	var notes []noteSegment
	for i := 0; i < phnum; i++ {
		p := ph[i*phentsize:]
		if bo.Uint32(p) != ptNote {
			continue
		}
		if want == 32 {
			notes = append(notes, noteSegment{uint64(bo.Uint32(p[4:])), uint64(bo.Uint32(p[16:])), uint64(bo.Uint32(p[28:]))})
		} else {
			notes = append(notes, noteSegment{bo.Uint64(p[8:]), bo.Uint64(p[32:]), bo.Uint64(p[48:])})
		}
	}
	return notes, bo, nil
}
