package seccomp

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ELF note types of the build ids (elf(5), Go's cmd/internal/buildid).
const (
	noteGNUBuildID = 3
	noteGoBuildID  = 4
)

// Identity names the compiler of filters for the cache key: the build of
// the runtime binary at exe (normally /proc/self/exe), and the libseccomp
// it uses with the kernel API level that library found.
func Identity(exe string) (string, error) {
	id, err := BuildID(exe)
	if err != nil {
		return "", err
	}
	return id + " " + LibraryVersion() + " " + libraryAPI(), nil
}

// BuildID names the build of the ELF binary at path by the ids its linker
// recorded in its notes: Go's build id and, when the external linker added
// one, the GNU build-id. Both change with any change to the code or the
// toolchain, and reading them costs a few hundred bytes of headers, not a
// hash of the whole binary.
func BuildID(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read build id of %s: %w", path, err)
	}
	defer f.Close()
	notes, bo, err := noteSegments(f)
	if err != nil {
		return "", fmt.Errorf("read build id of %s: %w", path, err)
	}
	var ids []string
	for _, n := range notes {
		if n.size > 1<<16 {
			return "", fmt.Errorf("read build id of %s: note segment of %d bytes", path, n.size)
		}
		b := make([]byte, n.size)
		if _, err := f.ReadAt(b, int64(n.offset)); err != nil {
			return "", fmt.Errorf("read build id of %s: %w", path, err)
		}
		ids = append(ids, buildIDNotes(bo, b, n.align)...)
	}
	if len(ids) == 0 {
		return "", fmt.Errorf("read build id of %s: %w", path, errNoBuildID)
	}
	return strings.Join(ids, " "), nil
}

var errNoBuildID = errors.New("no build id note")

// buildIDNotes parses a note segment (elf(5): namesz, descsz, type, then
// name and desc, each padded to the segment's alignment).
func buildIDNotes(bo binary.ByteOrder, b []byte, align uint64) []string {
	pad := uint64(4)
	if align == 8 {
		pad = 8
	}
	up := func(n uint64) uint64 { return (n + pad - 1) &^ (pad - 1) }
	var ids []string
	for len(b) >= 12 {
		namesz, descsz, typ := uint64(bo.Uint32(b)), uint64(bo.Uint32(b[4:])), bo.Uint32(b[8:])
		b = b[12:]
		if up(namesz) > uint64(len(b)) || up(namesz)+descsz > uint64(len(b)) {
			break
		}
		name := strings.TrimRight(string(b[:namesz]), "\x00")
		desc := b[up(namesz) : up(namesz)+descsz]
		switch {
		case name == "Go" && typ == noteGoBuildID:
			ids = append(ids, "go:"+string(desc))
		case name == "GNU" && typ == noteGNUBuildID:
			ids = append(ids, "gnu:"+hex.EncodeToString(desc))
		}
		next := up(namesz) + up(descsz)
		if next > uint64(len(b)) {
			break
		}
		b = b[next:]
	}
	return ids
}
