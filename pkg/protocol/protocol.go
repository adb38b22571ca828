// Package protocol owns the messages between the runtime (parent) and its
// children: the pre-Go bootstrap (pkg/namespaces/nsenter/nsenter.c) and
// the container's init or exec process. Both Go sides import it and the C
// constructor mirrors it, so the table below is the whole contract.
//
// Every frame is a 4-byte big-endian length and a body, written in one
// write. A body is typed records: a 2-byte type, a 4-byte length and that
// many bytes of payload, all big-endian. The bootstrap frame holds many
// records; every other frame holds exactly one.
//
//	step  direction             type  message        payload
//	1     parent -> boot        1-9   bootstrap      records: clone, join, uid/gid maps, setgroups, timens, cgroup, lastfd, parentmaps (bootstrap.go)
//	1a    boot -> parent        18    maps-request   u32 child pid: an unprivileged runtime writes its maps (parentmaps only)
//	1b    parent -> boot        19    maps-ok        empty: the maps are written, release the child
//	      parent -> boot        20    maps-abort     empty: they could not be; the bootstrap exits
//	1c    boot -> clone         pipe  "g"            one byte: released (nsenter.c child_wait; not a frame)
//	2     boot -> parent        16    pid            u32: the cloned child's pid; the bootstrap exits
//	      boot, clone -> parent 17    boot-error     bytes: why the bootstrap, or its clone before Go, failed; it exits
//	3     parent -> init        32    config         JSON Config: what to build and run, Fds the slot numbers
//	4     init -> parent        33    mounts-ready   empty: rootfs mounted, before pivot_root: run prestart/createRuntime hooks
//	5     parent -> init        34    hooks-done     JSON state: hooks succeeded; continue
//	-     init -> console sock  SCM   pty master     Fds.Console; the fd's name as payload (pkg/console SendFd)
//	-     init -> listener      SCM   notify fd      Fds.Listener; JSON ContainerProcessState (pkg/seccomp notify.go)
//	6     init -> parent        35    ready          empty: create: waiting for start; exec: about to execve
//	5'    parent -> init        37    error          bytes: a prestart/createRuntime hook failed; the init exits
//	7     start -> init         36    start          JSON state (on start.sock, Fds.Start): run startContainer hooks and execve
//	7'    init -> start         37    error          bytes: a startContainer hook or the execve failed (else EOF: exec'd)
//	any   init -> parent        37    error          bytes: a step failed; the child exits
//	any   init -> parent        pipe  log lines      Fds.Log, under --debug only: JSON log lines, not frames (pkg/logs)
//
// Inherited fds sit at the numbers FdSlots.Layout gives (fds.go), named in
// the bootstrap frame (join, lastfd) and in Config.Fds; the SCM_RIGHTS
// rows go over those inherited sockets, not over this one.
//
// An exec child sends ready and then execve(2)s: the socket is
// close-on-exec, so EOF after ready tells the parent the exec happened,
// and an error tells it why not. `start` talks to a created init the same
// way over the start socket: it sends start, and EOF means the user
// process was exec'd. The parent bounds every read with a deadline.
package protocol

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Record types, as in the table; nsenter.c mirrors those up to 20.
const (
	recClone     = 1 // u64 clone flags
	recJoin      = 2 // u32 CLONE_NEW* flag, u32 fd
	recUIDMap    = 3 // u32 container id, u32 host id, u32 size
	recGIDMap    = 4 // same
	recSetgroups = 5 // empty: write "deny" to setgroups before gid_map
	recTimeNS    = 6 // u32 clock id, i64 seconds, u32 nanoseconds
	recCgroup    = 7 // bytes: absolute path of a v1 tasks file
	recLastFd    = 8 // u32 highest fd to keep
	recParentMap = 9 // empty: ask with maps-request, wait for maps-ok, then release the child

	recPid         = 16
	recBootError   = 17
	recMapsRequest = 18
	recMapsOK      = 19
	recMapsAbort   = 20

	msgConfig      = 32
	msgMountsReady = 33
	msgHooksDone   = 34
	msgReady       = 35
	msgStart       = 36
	msgError       = 37
)

// BootstrapEnv names the inherited socket the C constructor talks on.
const BootstrapEnv = "_MINIRUN_BOOTSTRAP"

// maxFrame bounds what either Go side will allocate for one frame.
const maxFrame = 16 << 20

// ErrClosed reports that the peer closed the socket between frames.
var ErrClosed = errors.New("peer closed the connection")

// WriteFrame writes one length-prefixed frame in a single write, so frames
// from two writers never interleave.
func WriteFrame(w io.Writer, body []byte) error {
	if len(body) > maxFrame {
		return fmt.Errorf("frame of %d bytes exceeds %d", len(body), maxFrame)
	}
	buf := make([]byte, 4+len(body))
	binary.BigEndian.PutUint32(buf, uint32(len(body)))
	copy(buf[4:], body)
	_, err := w.Write(buf)
	return err
}

// ReadFrame reads one frame; a clean EOF before the header is ErrClosed.
func ReadFrame(r io.Reader) ([]byte, error) {
	return ReadFrameMax(r, maxFrame)
}

// ReadFrameMax is ReadFrame refusing, before it allocates, a frame over
// max bytes (the bootstrap's replies: MaxBootReply).
func ReadFrameMax(r io.Reader, max uint32) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ErrClosed
		}
		return nil, fmt.Errorf("read frame header: %w", err)
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > max {
		return nil, fmt.Errorf("frame of %d bytes exceeds %d", n, max)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("read frame body: %w", err)
	}
	return body, nil
}
