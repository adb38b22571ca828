package protocol

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Bootstrap is what the C constructor needs: the namespaces to join (by fd
// number in the child), those to create, and the id maps of a new user namespace.
type Bootstrap struct {
	CloneFlags    uintptr
	JoinFds       []JoinFd
	UIDMappings   []specs.LinuxIDMapping
	GIDMappings   []specs.LinuxIDMapping
	SetgroupsDeny bool
	// ParentMaps: the runtime writes the maps (with newuidmap and
	// newgidmap) when the bootstrap asks; no map records are sent.
	ParentMaps  bool
	TimeOffsets map[string]specs.LinuxTimeOffset
	CgroupTasks []string // v1 tasks files the bootstrap moves itself into
	// LastFd is the highest fd the parent passes; the bootstrap closes
	// every fd above it before anything else, so nothing the caller leaked
	// can reach the container.
	LastFd int
}

// JoinFd is a namespace fd as numbered in the child.
type JoinFd struct {
	Flag uintptr
	Fd   int
}

// The bootstrap frame is a sequence of records (record.go; the types are
// in protocol.go); numbers have fixed sizes and strings carry their
// length. No value can spill into another record, whatever bytes a config
// string holds (the line-based form this replaces let a newline in a
// linux.timeOffsets key inject instructions). nsenter.c mirrors these
// numbers and sizes.
const (
	// MaxCgroupPath bounds a tasks-file path (PATH_MAX).
	MaxCgroupPath = 4096
	// MaxFrame is nsenter.c's MAX_FRAME: the largest frame it reads.
	MaxFrame = 1 << 20
	// MaxLastFd is nsenter.c's MAX_LAST_FD: the highest fd a frame may
	// pass (far above any RLIMIT_NOFILE a runtime starts with).
	MaxLastFd = 1 << 20
)

// timeClocks are the clocks a time namespace offsets (time_namespaces(7)),
// with their clock ids.
var timeClocks = map[string]uint32{"monotonic": 1, "boottime": 7}

// ClockID is the id the frame carries for a clock a time namespace offsets.
func ClockID(name string) (uint32, bool) {
	id, ok := timeClocks[name]
	return id, ok
}

// Encode renders the frame nsenter.c parses. It refuses values the
// constructor could not take as they are, rather than altering them.
func (b Bootstrap) Encode() ([]byte, error) {
	var out []byte
	rec := func(typ uint16, payload []byte) { out = appendRecord(out, typ, payload) }
	u32 := func(vs ...uint32) []byte {
		var p []byte
		for _, v := range vs {
			p = binary.BigEndian.AppendUint32(p, v)
		}
		return p
	}
	rec(recClone, binary.BigEndian.AppendUint64(nil, uint64(b.CloneFlags)))
	if b.LastFd < 3 || b.LastFd > MaxLastFd {
		return nil, fmt.Errorf("bootstrap: last passed fd %d outside 3..%d", b.LastFd, MaxLastFd)
	}
	rec(recLastFd, u32(uint32(b.LastFd)))
	for _, j := range b.JoinFds {
		if j.Fd < 3 || j.Fd > b.LastFd {
			return nil, fmt.Errorf("bootstrap: namespace fd %d outside the passed fds", j.Fd)
		}
		rec(recJoin, u32(uint32(j.Flag), uint32(j.Fd)))
	}
	if b.ParentMaps {
		rec(recParentMap, nil)
	} else {
		for _, m := range b.UIDMappings {
			rec(recUIDMap, u32(m.ContainerID, m.HostID, m.Size))
		}
		for _, m := range b.GIDMappings {
			rec(recGIDMap, u32(m.ContainerID, m.HostID, m.Size))
		}
	}
	if b.SetgroupsDeny {
		rec(recSetgroups, nil)
	}
	for _, t := range b.CgroupTasks {
		if err := checkTasksPath(t); err != nil {
			return nil, err
		}
		rec(recCgroup, []byte(t))
	}
	clocks := make([]string, 0, len(b.TimeOffsets))
	for c := range b.TimeOffsets {
		clocks = append(clocks, c)
	}
	sort.Strings(clocks)
	for _, c := range clocks {
		id, ok := timeClocks[c]
		if !ok {
			return nil, fmt.Errorf("linux.timeOffsets: unknown clock %q (monotonic or boottime)", c)
		}
		off := b.TimeOffsets[c]
		p := u32(id)
		p = binary.BigEndian.AppendUint64(p, uint64(off.Secs))
		rec(recTimeNS, append(p, u32(off.Nanosecs)...))
	}
	if len(out) > MaxFrame {
		return nil, fmt.Errorf("bootstrap: frame of %d bytes exceeds the constructor's %d", len(out), MaxFrame)
	}
	return out, nil
}

func checkTasksPath(p string) error {
	if !filepath.IsAbs(p) || filepath.Clean(p) != p || len(p) >= MaxCgroupPath || strings.ContainsRune(p, 0) {
		return fmt.Errorf("bootstrap: cgroup tasks file %q is not a clean absolute path", p)
	}
	return nil
}

// DecodeBootstrap parses a frame as nsenter.c does, record by record with
// the same checks; the tests hold the two sides to one format with it.
func DecodeBootstrap(frame []byte) (Bootstrap, error) {
	var b Bootstrap
	err := eachRecord(frame, b.decodeRecord)
	return b, err
}

func (b *Bootstrap) decodeRecord(typ uint16, p []byte) error {
	want := map[uint16]int{recClone: 8, recJoin: 8, recUIDMap: 12, recGIDMap: 12, recSetgroups: 0, recTimeNS: 16, recLastFd: 4, recParentMap: 0}
	if w, fixed := want[typ]; fixed && len(p) != w {
		return fmt.Errorf("bootstrap: record %d has %d bytes, want %d", typ, len(p), w)
	}
	u := func(i int) uint32 { return binary.BigEndian.Uint32(p[4*i:]) }
	switch typ {
	case recClone:
		b.CloneFlags = uintptr(binary.BigEndian.Uint64(p))
	case recJoin:
		b.JoinFds = append(b.JoinFds, JoinFd{Flag: uintptr(u(0)), Fd: int(u(1))})
	case recUIDMap:
		b.UIDMappings = append(b.UIDMappings, specs.LinuxIDMapping{ContainerID: u(0), HostID: u(1), Size: u(2)})
	case recGIDMap:
		b.GIDMappings = append(b.GIDMappings, specs.LinuxIDMapping{ContainerID: u(0), HostID: u(1), Size: u(2)})
	case recSetgroups:
		b.SetgroupsDeny = true
	case recParentMap:
		b.ParentMaps = true
	case recLastFd:
		b.LastFd = int(u(0))
	case recTimeNS:
		name := ""
		for c, id := range timeClocks {
			if id == u(0) {
				name = c
			}
		}
		if name == "" {
			return fmt.Errorf("bootstrap: unknown clock id %d", u(0))
		}
		if b.TimeOffsets == nil {
			b.TimeOffsets = map[string]specs.LinuxTimeOffset{}
		}
		b.TimeOffsets[name] = specs.LinuxTimeOffset{Secs: int64(binary.BigEndian.Uint64(p[4:])), Nanosecs: u(3)}
	case recCgroup:
		if err := checkTasksPath(string(p)); err != nil {
			return err
		}
		b.CgroupTasks = append(b.CgroupTasks, string(p))
	default:
		return fmt.Errorf("bootstrap: unknown record type %d", typ)
	}
	return nil
}
