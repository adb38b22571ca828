package rootfs

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// mountInfo is what the rootfs code reads of one /proc/self/mountinfo line.
type mountInfo struct {
	id     int
	root   string // the mount's root within its filesystem
	point  string // where it is mounted
	fstype string
}

// readMountinfo parses a mountinfo file (proc(5)).
func readMountinfo(path string) ([]mountInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read mountinfo: %w", err)
	}
	defer f.Close()
	var out []mountInfo
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		fields, after := strings.Fields(pre), strings.Fields(post)
		if !ok || len(fields) < 5 || len(after) < 1 {
			continue
		}
		id, err := strconv.Atoi(fields[0])
		if err != nil {
			continue
		}
		out = append(out, mountInfo{id: id, root: unescapeMountinfo(fields[3]), point: unescapeMountinfo(fields[4]), fstype: after[0]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read mountinfo: %w", err)
	}
	return out, nil
}

// unescapeMountinfo decodes the \ooo escapes mountinfo uses for space,
// tab, newline and backslash in paths (proc(5)).
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				sb.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}
