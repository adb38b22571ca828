package protocol

import (
	"os"
	"reflect"
	"testing"
)

func files(t *testing.T, n int) []*os.File {
	t.Helper()
	var out []*os.File
	for i := 0; i < n; i++ {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close(); w.Close() })
		out = append(out, r)
	}
	return out
}

// Every slot filled: preserved fds first at 3, then the named slots in
// their fixed order, mount sources by mount index, the joins last.
func TestFdSlotsNumbering(t *testing.T) {
	f := files(t, 10)
	s := FdSlots{Preserved: f[0:2], Sock: f[2], Console: f[3], Start: f[4], Listener: f[5], Log: f[6],
		MountSources: map[int]*os.File{7: f[8], 2: f[7]}, Joins: []*os.File{f[9]}}
	extra, fds := s.Layout()
	want := ChildFds{Sock: 5, Console: 6, Start: 7, Listener: 8, Log: 9,
		MountSources: map[int]int{2: 10, 7: 11}, Joins: []int{12}, FirstFree: 5, LastFd: 12}
	if !reflect.DeepEqual(fds, want) {
		t.Fatalf("layout:\n got %+v\nwant %+v", fds, want)
	}
	wantFiles := []*os.File{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]}
	if !reflect.DeepEqual(extra, wantFiles) {
		t.Fatalf("ExtraFiles out of order")
	}
	// exec.Cmd puts ExtraFiles[i] at fd 3+i: each number names its file.
	for name, n := range map[string]int{"sock": fds.Sock, "console": fds.Console, "log": fds.Log, "join": fds.Joins[0]} {
		if got := extra[n-3]; got != map[string]*os.File{"sock": f[2], "console": f[3], "log": f[6], "join": f[9]}[name] {
			t.Errorf("%s: fd %d holds %s", name, n, got.Name())
		}
	}
}

func TestFdSlotsAbsentAreMinusOne(t *testing.T) {
	f := files(t, 2)
	extra, fds := FdSlots{Sock: f[0], Joins: []*os.File{f[1]}}.Layout()
	want := ChildFds{Sock: 3, Console: -1, Start: -1, Listener: -1, Log: -1, Joins: []int{4}, FirstFree: 3, LastFd: 4}
	if !reflect.DeepEqual(fds, want) || len(extra) != 2 {
		t.Fatalf("got %+v (%d files), want %+v", fds, len(extra), want)
	}
}

func TestFdSlotsPreservedFirstAndLastFd(t *testing.T) {
	f := files(t, 4)
	extra, fds := FdSlots{Preserved: f[:3], Sock: f[3]}.Layout()
	if fds.FirstFree != 6 || fds.Sock != 6 || fds.LastFd != 6 || len(extra) != 4 || extra[0] != f[0] || extra[2] != f[2] {
		t.Fatalf("got %+v: want preserved at 3..5, the socket at 6, LastFd 6", fds)
	}
	// Nothing at all: LastFd is below 3, so the bootstrap keeps only stdio.
	if _, fds := (FdSlots{}).Layout(); fds.LastFd != 2 || fds.FirstFree != 3 {
		t.Fatalf("empty layout %+v", fds)
	}
}
