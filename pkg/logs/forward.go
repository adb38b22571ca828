package logs

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
)

// The init's log channel: the container's init cannot write to the
// runtime's log (its stderr is the container's), so under --debug the
// parent hands it a pipe; the init writes JSON lines there (ToPipe) and the
// parent re-emits each through its own logger, in its own format, with an
// "init: " prefix (Forward), as runc forwards its init's logs.

// Debug reports whether --debug is on.
func Debug() bool { return std.debug }

// ToPipe makes this process (the init) log JSON lines to w.
func ToPipe(w *os.File, debug bool) {
	std.mu.Lock()
	defer std.mu.Unlock()
	std.w, std.json, std.debug = w, true, debug
}

// Forward re-emits the JSON lines read from r until EOF or a read error
// (a deadline). A line that is not one of ours is passed on as a warning,
// so nothing the init said is lost.
func Forward(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var line struct {
			Level string `json:"level"`
			Msg   string `json:"msg"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil || line.Msg == "" {
			std.log("warning", "init: "+sc.Text())
			continue
		}
		switch line.Level {
		case "debug", "warning", "error", "info":
		default:
			line.Level = "warning"
		}
		if line.Level == "debug" && !std.debug {
			continue
		}
		std.log(line.Level, "init: "+line.Msg)
	}
}
