package container

import (
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
)

// Ps writes the pids of the container's processes as JSON, or runs ps(1)
// with psArgs and keeps the header and the container's lines.
func Ps(g Global, id, format string, psArgs []string, w io.Writer) error {
	l, err := load(g.Root, id)
	if err != nil {
		return err
	}
	if l.st.Cgroup == nil {
		return fmt.Errorf("container %s has no cgroup", id)
	}
	pids, err := l.st.Cgroup.Pids()
	if l.st.Cgroup.InNone() {
		pids, err = l.nsPids(), nil
	}
	if err != nil {
		return err
	}
	switch format {
	case "json":
		if pids == nil {
			pids = []int{}
		}
		return json.NewEncoder(w).Encode(pids)
	case "table", "":
	default:
		return fmt.Errorf("--format: unknown format %q (want table or json)", format)
	}
	if len(psArgs) == 0 {
		psArgs = []string{"-ef"}
	}
	out, err := exec.Command("ps", psArgs...).Output()
	if err != nil {
		return fmt.Errorf("ps %s: %w", strings.Join(psArgs, " "), err)
	}
	return filterPs(string(out), pids, w)
}

func filterPs(out string, pids []int, w io.Writer) error {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	col := -1
	for i, h := range strings.Fields(lines[0]) {
		if h == "PID" {
			col = i
		}
	}
	if col < 0 {
		return fmt.Errorf("ps output has no PID column")
	}
	in := map[int]bool{}
	for _, p := range pids {
		in[p] = true
	}
	fmt.Fprintln(w, lines[0])
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) > col {
			if p, err := strconv.Atoi(f[col]); err == nil && in[p] {
				fmt.Fprintln(w, line)
			}
		}
	}
	return nil
}
