package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Ownership is per hierarchy: a v1 host may hold a pre-existing directory
// in one hierarchy (a systemd service's pids cgroup) and none in the
// others. Only where minirun created the container's directory is every
// process in it the container's, so only there does minirun signal,
// freeze on its own or remove anything.

// Owned reports whether minirun created the container's directory in
// hierarchy name ("" = unified).
func (s *State) Owned(name string) bool {
	_, ok := s.Created[name]
	return ok
}

// OwnsAny reports whether minirun created the container's directory in at
// least one hierarchy.
func (s *State) OwnsAny() bool {
	for name := range s.Dirs() {
		if s.Owned(name) {
			return true
		}
	}
	return false
}

// checkUsable refuses what runc refuses: a cgroup that already holds
// processes (runc 1.5 makes no exception, not even for a joined pid
// namespace) and a frozen one, whose first task would hang create. Every
// hierarchy is checked, sub-cgroups included, not one as runc does.
func (s *State) checkUsable() error {
	for name, dir := range s.Dirs() {
		if s.Owned(name) {
			continue // just made, so empty
		}
		pids, err := treePids(dir)
		if err != nil {
			return err
		}
		if len(pids) > 0 {
			return fmt.Errorf("linux.cgroupsPath %s: container's cgroup is not empty: %d process(es) found in %s", s.Path, len(pids), dir)
		}
	}
	if s.freezing() {
		return fmt.Errorf("linux.cgroupsPath %s: container's cgroup unexpectedly frozen", s.Path)
	}
	return nil
}

// freezing reports a frozen or freezing cgroup in any hierarchy that can
// freeze; a new directory under a frozen parent reads as frozen too.
func (s *State) freezing() bool {
	if dir, ok := s.v1Dir("freezer"); ok {
		if st, _ := readFile(dir, "freezer.state"); st == "FROZEN" || st == "FREEZING" {
			return true
		}
	}
	if dir, ok := s.Dirs()[""]; ok {
		ev, _ := readFile(dir, "cgroup.events")
		return strings.Contains(ev, "frozen 1")
	}
	return false
}

// Pids lists the processes in the container's cgroup, sub-cgroups
// included: from the hierarchies minirun created when there are any (a
// foreign process in a pre-existing one is not the container's), else
// from the one cgroup the config named.
func (s *State) Pids() ([]int, error) {
	if s.OwnsAny() {
		return s.OwnedPids()
	}
	dir, ok := s.Dirs()[""]
	if !ok {
		dir, ok = s.v1Dir("pids")
	}
	if !ok {
		for _, d := range s.Dirs() {
			dir, ok = d, true
			break
		}
	}
	if !ok {
		return nil, fmt.Errorf("no cgroup hierarchy")
	}
	return treePids(dir)
}

// OwnedPids lists, sub-cgroups included, the processes in every hierarchy
// where minirun created the container's directory. A process the
// container moved to a sub-cgroup of one hierarchy is still found.
func (s *State) OwnedPids() ([]int, error) {
	seen := map[int]bool{}
	for name, dir := range s.Dirs() {
		if !s.Owned(name) {
			continue
		}
		pids, err := treePids(dir)
		if err != nil {
			return nil, err
		}
		for _, p := range pids {
			seen[p] = true
		}
	}
	out := make([]int, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Ints(out)
	return out, nil
}

// treePids reads cgroup.procs of dir and of every sub-cgroup under it. A
// directory removed meanwhile is skipped; a missing dir holds nothing.
func treePids(dir string) ([]int, error) {
	var pids []int
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(filepath.Join(p, "cgroup.procs"))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				pids = append(pids, n)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list processes of cgroup %s: %w", dir, err)
	}
	return pids, nil
}

// procRoot is /proc; tests point it at a fake tree.
var procRoot = "/proc"

// holds reports whether pid is, by its /proc/PID/cgroup, inside the
// container's directory (or below) of a hierarchy minirun created. Read
// after pidfd_open, it tells the container's process from a foreign one
// that reused its pid.
func (s *State) holds(pid int) bool {
	b, err := os.ReadFile(filepath.Join(procRoot, strconv.Itoa(pid), "cgroup"))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 || !within(parts[2], s.Path) {
			continue
		}
		name, ok := s.hierarchyOf(parts[0], parts[1])
		if ok && s.Owned(name) {
			return true
		}
	}
	return false
}

// hierarchyOf maps a /proc/PID/cgroup line's id and controller list to the
// layout's hierarchy name, comparing controller sets (the order may differ).
func (s *State) hierarchyOf(id, ctrls string) (string, bool) {
	if id == "0" && ctrls == "" {
		_, ok := s.Dirs()[""]
		return "", ok
	}
	want := strings.Split(ctrls, ",")
	sort.Strings(want)
	for name := range s.Layout.V1 {
		have := strings.Split(name, ",")
		sort.Strings(have)
		if strings.Join(have, ",") == strings.Join(want, ",") {
			return name, true
		}
	}
	return "", false
}

// within reports whether cgroup path p is dir or below it.
func within(p, dir string) bool {
	p, dir = filepath.Clean(p), filepath.Clean(dir)
	return p == dir || dir != "/" && strings.HasPrefix(p, dir+"/")
}
