package protocol

import (
	"os"
	"slices"
)

// FdSlots names the descriptors a child inherits. The parent fills the
// slots by name and Layout numbers them, in one fixed order, so no caller
// counts positions: the preserved fds come first, at 3, because that is
// where LISTEN_FDS and --preserve-fds promise them to the process; the
// joins come last, because the bootstrap closes each after its setns.
type FdSlots struct {
	Preserved    []*os.File       // kept by the process across execve
	Sock         *os.File         // the child's end of the init socketpair
	Console      *os.File         // --console-socket, or the pair run/exec relay
	Start        *os.File         // the listening start.sock (create only)
	Listener     *os.File         // connected to linux.seccomp.listenerPath
	Log          *os.File         // write end of the init's log pipe (--debug)
	MountSources map[int]*os.File // mount index -> bind source tree cloned outside the user namespace
	Joins        []*os.File       // namespaces the bootstrap joins, in join order
}

// ChildFds is where each slot lands in the child; an empty slot is -1.
type ChildFds struct {
	Sock         int         `json:"sock"`
	Console      int         `json:"console"`
	Start        int         `json:"start"`
	Listener     int         `json:"listener"`
	Log          int         `json:"log"`
	MountSources map[int]int `json:"mountSources,omitempty"`
	// Joins go to the bootstrap frame, not to the init: the bootstrap
	// closes them before the Go runtime starts.
	Joins     []int `json:"-"`
	FirstFree int   `json:"firstFree"` // the preserved fds are 3 … FirstFree-1
	LastFd    int   `json:"lastFd"`    // the highest passed; the bootstrap closes all above it
}

// Layout returns the files for exec.Cmd.ExtraFiles, which puts the i-th
// at fd 3+i in the child, and the number each slot gets there.
func (s FdSlots) Layout() ([]*os.File, ChildFds) {
	files := append([]*os.File{}, s.Preserved...)
	add := func(f *os.File) int {
		if f == nil {
			return -1
		}
		files = append(files, f)
		return 3 + len(files) - 1
	}
	fds := ChildFds{FirstFree: 3 + len(s.Preserved)}
	fds.Sock = add(s.Sock)
	fds.Console = add(s.Console)
	fds.Start = add(s.Start)
	fds.Listener = add(s.Listener)
	fds.Log = add(s.Log)
	if len(s.MountSources) > 0 {
		fds.MountSources = map[int]int{}
		idx := make([]int, 0, len(s.MountSources))
		for i := range s.MountSources {
			idx = append(idx, i)
		}
		slices.Sort(idx) // a map's order is random; the layout must not be
		for _, i := range idx {
			fds.MountSources[i] = add(s.MountSources[i])
		}
	}
	for _, f := range s.Joins {
		fds.Joins = append(fds.Joins, add(f))
	}
	fds.LastFd = 3 + len(files) - 1
	return files, fds
}
