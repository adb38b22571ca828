package integration

// The markup of the lab pages (docs/lab/*.md), read by TestLab:
//
//   - a fenced block whose info string is "sh lab" holds commands the student
//     types; the test runs it in one bash per page, so variables and `cd`
//     carry over from block to block as in the student's shell;
//   - the next fenced block, if its info string is "output", holds lines
//     that must all appear, in this order, in what the commands printed
//     (stdout and stderr together). Each line must equal one output line,
//     where "..." stands for any text and runs of blanks count as one space
//     (so "1 root ... sleep 3600" matches "    1 root     sleep 3600").
//     Blank lines are ignored. A command block without
//     an output block only has to succeed;
//   - the last command of a block must exit 0: a block that shows a failure
//     ends with `echo "exit status $?"` or similar, and its output block
//     names the error.
//
// Other fenced blocks (plain "sh", "json", ...) are for reading and never run.

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

// labBlock is one "sh lab" block and the output it must show.
type labBlock struct {
	line   int      // line of the opening fence, 1-based
	script string   // the commands
	expect []string // lines of the following "output" block
}

// name is how a failure names the block: its line and first command.
func (b labBlock) name() string {
	first, _, _ := strings.Cut(strings.TrimSpace(b.script), "\n")
	return fmt.Sprintf("block at line %d (%s)", b.line, first)
}

// parseLab reads the "sh lab" and "output" blocks of a page.
func parseLab(path string) ([]labBlock, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		blocks []labBlock
		cur    *strings.Builder
		info   string
		start  int
		n      int
		last   = -1 // index of the block an output block may attach to
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if cur == nil {
			if strings.HasPrefix(trimmed, "```") {
				info, start, cur = strings.TrimSpace(strings.TrimPrefix(trimmed, "```")), n, &strings.Builder{}
			}
			continue
		}
		if trimmed != "```" {
			cur.WriteString(line + "\n")
			continue
		}
		switch body := cur.String(); info {
		case "sh lab":
			blocks = append(blocks, labBlock{line: start, script: body})
			last = len(blocks) - 1
		case "output":
			if last < 0 {
				return nil, fmt.Errorf("%s:%d: output block without a \"sh lab\" block before it", path, start)
			}
			for _, l := range strings.Split(body, "\n") {
				if strings.TrimSpace(l) != "" {
					blocks[last].expect = append(blocks[last].expect, l)
				}
			}
			last = -1
		default:
			last = -1
		}
		cur = nil
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: block never closed", path, start)
	}
	return blocks, sc.Err()
}

// squash turns every run of blanks into one space.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// lineMatches reports whether got is want with each "..." standing for any
// text (none included), blanks squashed: a line without "..." must match
// whole.
func lineMatches(got, want string) bool {
	got, want = squash(got), squash(want)
	pieces := strings.Split(want, "...")
	for i := range pieces {
		pieces[i] = strings.TrimSpace(pieces[i])
	}
	if len(pieces) == 1 {
		return got == want
	}
	if !strings.HasPrefix(got, pieces[0]) {
		return false
	}
	got = got[len(pieces[0]):]
	last := pieces[len(pieces)-1]
	for _, piece := range pieces[1 : len(pieces)-1] {
		i := strings.Index(got, piece)
		if i < 0 {
			return false
		}
		got = got[i+len(piece):]
	}
	return strings.HasSuffix(got, last)
}

// missingLine returns the first expected line that does not appear in out
// after the line the previous one matched, or "" when all do.
func missingLine(out string, expect []string) string {
	lines := strings.Split(out, "\n")
	at := 0
	for _, want := range expect {
		found := false
		for ; at < len(lines); at++ {
			if lineMatches(lines[at], want) {
				found = true
				at++
				break
			}
		}
		if !found {
			return want
		}
	}
	return ""
}

// TestLabMarkup checks the matcher itself (no root needed).
func TestLabMarkup(t *testing.T) {
	for _, c := range []struct {
		got, want string
		ok        bool
	}{
		{"    1 root     sleep 3600", "1 root ... sleep 3600", true},
		{"memory.limit  67108864", "1", false},
		{"1", "1", true},
		{"net:[4026532183] config: new", "net:[...] config: new", true},
		{"bundle /tmp/x/ns: busybox", "bundle .../ns: busybox", true},
		{"bundle /tmp/x/ns: busybox rootfs", "bundle .../ns: busybox", false},
		{"CapEff:\t000001ffffffffff", "CapEff: 000001f...", true},
		{"ab", "a...b...c", false},
	} {
		if got := lineMatches(c.got, c.want); got != c.ok {
			t.Errorf("lineMatches(%q, %q) = %v", c.got, c.want, got)
		}
	}
}
