package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
	"unsafe"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// notif and notifResp are struct seccomp_notif and seccomp_notif_resp
// (linux/seccomp.h).
type notif struct {
	ID    uint64
	Pid   uint32
	Flags uint32
	Nr    int32
	Arch  uint32
	IP    uint64
	Args  [6]uint64
}

type notifResp struct {
	ID    uint64
	Val   int64
	Error int32
	Flags uint32
}

// Event is one logged call.
type Event struct {
	Time      time.Time `json:"time"`
	Container string    `json:"id"`
	Pid       uint32    `json:"pid"`
	Syscall   string    `json:"syscall"`
	Args      []string  `json:"args"`
	Result    string    `json:"result"`
	// Dropped counts the calls of this filter not logged before this one
	// (the log's rate limit, ratelimit.go).
	Dropped uint64 `json:"dropped,omitempty"`
}

// Supervisor logs the notifications of every filter whose fd a runtime
// hands it over a listenerPath connection (one per container process).
type Supervisor struct {
	Log    io.Writer
	Name   func(nr int32, arch uint32) string // syscall names
	mu     sync.Mutex                         // serialises log lines and the counters below
	active int
	idle   chan struct{}
}

// Idle is closed when every filter handed over so far has no process
// left, once at least one was: the container is gone.
func (s *Supervisor) Idle() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.idle == nil {
		s.idle = make(chan struct{})
	}
	return s.idle
}

func (s *Supervisor) track(delta int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.idle == nil {
		s.idle = make(chan struct{})
	}
	s.active += delta
	if s.active == 0 {
		select {
		case <-s.idle:
		default:
			close(s.idle)
		}
	}
}

// Serve accepts the runtime's connections until the listener closes.
func (s *Supervisor) Serve(l *net.UnixListener) error {
	for {
		conn, err := l.AcceptUnix()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("audit: accept: %w", err)
		}
		fd, st, err := receive(conn)
		conn.Close()
		if err != nil {
			s.log(Event{Time: time.Now().UTC(), Syscall: "-", Result: "error: " + err.Error()})
			continue
		}
		s.track(1)
		go func() {
			defer s.track(-1)
			defer unix.Close(fd)
			s.watch(fd, st.State.ID)
		}()
	}
}

// receive reads the process state and the notify fd (SCM_RIGHTS), as the
// runtime's SendListener writes them.
func receive(conn *net.UnixConn) (int, specs.ContainerProcessState, error) {
	var st specs.ContainerProcessState
	buf, oob := make([]byte, 1<<16), make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		return -1, st, fmt.Errorf("read from runtime: %w", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return -1, st, fmt.Errorf("no notify fd in the message")
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return -1, st, fmt.Errorf("no notify fd in the message")
	}
	if err := json.Unmarshal(buf[:n], &st); err != nil {
		unix.Close(fds[0])
		return -1, st, fmt.Errorf("decode process state: %w", err)
	}
	return fds[0], st, nil
}

// watch answers every notification of one filter with "continue" after
// logging it, until no process uses the filter (POLLHUP).
func (s *Supervisor) watch(fd int, id string) {
	lim := newLimiter(time.Now())
	for {
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if _, err := unix.Poll(pfd, -1); err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return
		}
		if pfd[0].Revents&unix.POLLIN == 0 {
			return // POLLHUP: the filter has no process left
		}
		var n notif
		if err := ioctl(fd, unix.SECCOMP_IOCTL_NOTIF_RECV, unsafe.Pointer(&n)); err != nil {
			if errors.Is(err, unix.EINTR) || errors.Is(err, unix.ENOENT) {
				continue // interrupted, or the caller died meanwhile
			}
			return
		}
		resp := notifResp{ID: n.ID, Flags: unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE}
		result := "continue"
		if err := ioctl(fd, unix.SECCOMP_IOCTL_NOTIF_SEND, unsafe.Pointer(&resp)); err != nil {
			result = "caller gone: " + err.Error()
		}
		now := time.Now()
		ok, dropped := lim.allow(now)
		if !ok {
			continue
		}
		args := make([]string, len(n.Args))
		for i, a := range n.Args {
			args[i] = fmt.Sprintf("%#x", a)
		}
		s.log(Event{Time: now.UTC(), Container: id, Pid: n.Pid, Syscall: s.Name(n.Nr, n.Arch), Args: args, Result: result, Dropped: dropped})
	}
}

func ioctl(fd int, req uint, arg unsafe.Pointer) error {
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(arg))
	if e != 0 {
		return e
	}
	return nil
}

func (s *Supervisor) log(e Event) {
	b, _ := json.Marshal(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Log.Write(append(b, '\n'))
}
