package container

import (
	"fmt"
	"os"
	"time"

	"github.com/minirun/minirun/pkg/logs"
)

// initLogs is the parent's end of the init's log channel, made only under
// --debug: the pipe's write end goes to the child, and a goroutine
// re-emits what the init writes (logs.Forward) until the init execs (the
// end is close-on-exec there) or create stops listening (drain).
type initLogs struct {
	r, w    *os.File
	done    chan struct{}
	running bool
}

func newInitLogs() (*initLogs, error) {
	if !logs.Debug() {
		return nil, nil
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("init log pipe: %w", err)
	}
	return &initLogs{r: r, w: w, done: make(chan struct{})}, nil
}

func (l *initLogs) childEnd() *os.File {
	if l == nil {
		return nil
	}
	return l.w
}

// started drops the parent's copy of the write end (the child has its
// own) and starts forwarding.
func (l *initLogs) started() {
	if l == nil {
		return
	}
	l.w.Close()
	l.running = true
	go func() {
		logs.Forward(l.r)
		close(l.done)
	}()
}

// drain forwards what the init has written so far and stops: its writes
// come before the messages the parent waited for, so they are in the pipe.
func (l *initLogs) drain() {
	if l == nil || !l.running {
		return
	}
	l.running = false
	l.r.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	<-l.done
	l.r.Close()
}
