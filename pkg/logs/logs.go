// Package logs owns the runtime's log output: plain text by default, or
// runc-compatible JSON lines ({"level":"error","msg":...,"time":...}) that
// containerd reads back, taking the last error line as the failure reason.
package logs

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Logger writes leveled lines to one destination.
type Logger struct {
	mu    sync.Mutex
	w     io.Writer
	json  bool
	debug bool
}

var std = &Logger{w: os.Stderr}

// Setup directs logging to path (stderr when empty) in the given format.
func Setup(path, format string, debug bool) error {
	if format != "text" && format != "json" && format != "" {
		return fmt.Errorf("--log-format: unknown format %q (want text or json)", format)
	}
	std.json, std.debug = format == "json", debug
	if path == "" || path == "/dev/stderr" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_SYNC, 0o644)
	if err != nil {
		return fmt.Errorf("open log file %s: %w", path, err)
	}
	std.w = f
	return nil
}

// JSON reports whether lines are JSON.
func JSON() bool { return std.json }

// ToFile reports whether logs go somewhere other than stderr.
func ToFile() bool { return std.w != os.Stderr }

func (l *Logger) log(level, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.json {
		b, _ := json.Marshal(struct {
			Level string `json:"level"`
			Msg   string `json:"msg"`
			Time  string `json:"time"`
		}{level, msg, now.Format(time.RFC3339Nano)})
		l.w.Write(append(b, '\n'))
		return
	}
	fmt.Fprintf(l.w, "time=%q level=%s msg=%q\n", now.Format(time.RFC3339Nano), level, msg)
}

// Errorf logs at error level.
func Errorf(format string, a ...any) { std.log("error", fmt.Sprintf(format, a...)) }

// Warnf logs at warning level.
func Warnf(format string, a ...any) { std.log("warning", fmt.Sprintf(format, a...)) }

// Debugf logs at debug level when --debug is on.
func Debugf(format string, a ...any) {
	if std.debug {
		std.log("debug", fmt.Sprintf(format, a...))
	}
}
