//go:build linux && cgo

package nsenter

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minirun/minirun/pkg/protocol"
	"golang.org/x/sys/unix"
)

// The test binary links the constructor too: run with _MINIRUN_BOOTSTRAP,
// it parses what the test sends. A child it clones returns into the Go
// runtime here and reports the descriptors it holds.
func TestMain(m *testing.M) {
	if os.Getenv("_MINIRUN_BOOTSTRAP") != "" {
		ents, _ := os.ReadDir("/proc/self/fd")
		for _, e := range ents {
			target, _ := os.Readlink("/proc/self/fd/" + e.Name())
			fmt.Println(e.Name(), target)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// bootstrapOnce starts the test binary as the bootstrap with extra fds
// (the socket is fd 3), sends frame and returns the decoded reply and the
// output.
func bootstrapOnce(t *testing.T, frame []byte, extra ...*os.File) (protocol.BootReply, string) {
	t.Helper()
	parent, cmd, out := startBootstrap(t, extra...)
	defer parent.Close()
	protocol.WriteFrame(parent, frame)
	reply := readReply(t, parent)
	cmd.Wait()
	if reply.Kind == protocol.ReplyPid {
		// CLONE_PARENT made the child ours: wait for its report.
		var ws unix.WaitStatus
		unix.Wait4(reply.Pid, &ws, 0, nil)
	}
	b, _ := os.ReadFile(out.Name())
	return reply, string(b)
}

func readReply(t *testing.T, sock *os.File) protocol.BootReply {
	t.Helper()
	body, err := protocol.ReadFrame(sock)
	var reply protocol.BootReply
	if err == nil {
		reply, err = protocol.DecodeBootReply(body)
	}
	if err != nil {
		t.Errorf("bootstrap reply %x: %v", body, err)
	}
	return reply
}

func startBootstrap(t *testing.T, extra ...*os.File) (*os.File, *exec.Cmd, *os.File) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	parent, child := os.NewFile(uintptr(fds[0]), "parent"), os.NewFile(uintptr(fds[1]), "child")
	out, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	cmd := exec.Command(os.Args[0])
	cmd.Env = []string{"_MINIRUN_BOOTSTRAP=3"}
	cmd.ExtraFiles = append([]*os.File{child}, extra...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	child.Close()
	return parent, cmd, out
}

func rec(typ uint16, payload []byte) []byte {
	out := binary.BigEndian.AppendUint16(nil, typ)
	out = binary.BigEndian.AppendUint32(out, uint32(len(payload)))
	return append(out, payload...)
}

func lastFd(n uint32) []byte { return rec(8, binary.BigEndian.AppendUint32(nil, n)) }

func TestConstructorRefusesHostileFrames(t *testing.T) {
	frames := map[string][]byte{
		"old text form":        []byte("clone 0\ncgroup /etc/passwd\n"),
		"truncated header":     {0, 1, 0},
		"length overruns":      rec(1, make([]byte, 8))[:10],
		"huge length":          append([]byte{0, 7, 0xff, 0xff, 0xff, 0xff}, '/'),
		"short clone":          rec(1, make([]byte, 4)),
		"long join":            append(lastFd(3), rec(2, make([]byte, 12))...),
		"unknown type":         rec(99, nil),
		"clock id 0":           append(lastFd(3), rec(6, make([]byte, 16))...),
		"cgroup with NUL":      append(lastFd(3), rec(7, []byte("/tmp/x\x00/etc/passwd"))...),
		"relative cgroup":      append(lastFd(3), rec(7, []byte("tasks"))...),
		"join fd not passed":   append(lastFd(3), rec(2, []byte{0x40, 0, 0, 0, 0, 0, 0, 9})...),
		"last fd below socket": lastFd(2),
		"last fd INT_MAX":      lastFd(1<<31 - 1),
		"last fd above limit":  lastFd(protocol.MaxLastFd + 1),
	}
	for name, frame := range frames {
		reply, out := bootstrapOnce(t, frame)
		if reply.Kind != protocol.ReplyError || !strings.HasPrefix(reply.Err, "bootstrap: ") {
			t.Errorf("%s: reply %+v (output %q), want a bootstrap error", name, reply, out)
		}
	}
}

func TestConstructorClosesUnpassedFds(t *testing.T) {
	leak, err := os.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer leak.Close()
	frame, err := protocol.Bootstrap{LastFd: 3}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	reply, out := bootstrapOnce(t, frame, leak)
	if reply.Kind != protocol.ReplyPid {
		t.Fatalf("reply %+v, output %q", reply, out)
	}
	if !strings.Contains(out, "3 socket:") || strings.Contains(out, leak.Name()) {
		t.Fatalf("the cloned child's fds %q: want its own, without the unpassed %s", out, leak.Name())
	}
}

// With parentmaps the bootstrap asks for the maps with its child's pid and
// waits. An abort ends it without a pid; maps-ok releases the child, which
// (its maps unwritten here) fails to become root in its user namespace and
// says so with an error record of its own, on the same socket.
func TestConstructorMapsRequest(t *testing.T) {
	frame, err := protocol.Bootstrap{CloneFlags: unix.CLONE_NEWUSER, ParentMaps: true, LastFd: 3}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	for _, ok := range []bool{false, true} {
		parent, cmd, _ := startBootstrap(t)
		protocol.WriteFrame(parent, frame)
		req := readReply(t, parent)
		if req.Kind == protocol.ReplyError {
			parent.Close()
			cmd.Wait()
			t.Skipf("no user namespace here: %s", req.Err)
		}
		if req.Kind != protocol.ReplyMaps || req.Pid <= 0 {
			t.Fatalf("first reply %+v, want a maps request", req)
		}
		protocol.WriteFrame(parent, protocol.MapsAnswer(ok))
		if ok {
			// The pid comes first: the bootstrap sends it before it
			// releases the child, which writes nothing before that.
			if r := readReply(t, parent); r.Kind != protocol.ReplyPid || r.Pid != req.Pid {
				t.Errorf("after maps-ok: %+v, want pid %d first", r, req.Pid)
			}
			if r := readReply(t, parent); r.Kind != protocol.ReplyError || !strings.HasPrefix(r.Err, "setresgid to namespace root") {
				t.Errorf("the unmapped child: %+v, want its error", r)
			}
		}
		cmd.Wait()
		var ws unix.WaitStatus
		unix.Wait4(req.Pid, &ws, 0, nil)
		if !ok {
			if _, err := protocol.ReadFrame(parent); !errors.Is(err, protocol.ErrClosed) {
				t.Errorf("after maps-abort: %v, want the socket closed without a pid", err)
			}
			if ws.ExitStatus() != 1 {
				t.Errorf("the child of an aborted bootstrap: %v, want exit 1", ws)
			}
		}
		parent.Close()
	}
}
