package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"golang.org/x/sys/unix"
)

// Signal sends sig to the container's processes, sub-cgroups included.
//
// With accept nil it signals the processes of the hierarchies where
// minirun created the container's directory. There it first freezes the
// cgroup (when minirun also created the freezer directory), so nothing
// forks or exits between listing and signalling, and thaws it after. On
// cgroup v2, SIGKILL goes through cgroup.kill, which reaches the whole
// subtree at once.
//
// With accept non-nil (a cgroup minirun did not create), it considers
// every process of the cgroup tree and signals those accept approves; it
// never freezes what it does not own.
//
// Each process is opened as a pidfd and checked (in its cgroup, or by
// accept) before the signal, so a pid reused by a foreign process is never
// hit. After SIGKILL a frozen cgroup is always thawed: on v1 a frozen task
// only dies once thawed (runc thaws too).
func (s *State) Signal(sig unix.Signal, accept func(pid int) bool) error {
	if accept == nil && !s.OwnsAny() {
		return nil
	}
	if sig == unix.SIGKILL {
		defer s.thawIfFrozen()
	}
	if accept == nil && sig == unix.SIGKILL && s.killV2() {
		return nil
	}
	check, list := accept, s.Pids
	if accept == nil {
		check, list = s.holds, s.OwnedPids
		if s.ownsFreezer() && !s.Frozen() {
			// Thawed even if the freeze timed out half-way (a fork bomb).
			defer s.Freeze(false)
			s.Freeze(true)
		}
	}
	pids, err := list()
	if err != nil {
		return err
	}
	for _, p := range pids {
		signalChecked(p, sig, check)
	}
	return nil
}

// signalChecked signals pid only if, once pinned by a pidfd, check still
// approves it: a pid recycled after the check cannot be hit, since the
// pidfd keeps naming the process it was opened on.
func signalChecked(pid int, sig unix.Signal, check func(int) bool) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return // gone already
	}
	defer unix.Close(fd)
	if check(pid) {
		unix.PidfdSendSignal(fd, sig, nil, 0)
	}
}

// killV2 writes cgroup.kill (Linux 5.14+) of the container's directory on
// a pure v2 host; false when it cannot, so the caller kills one by one.
func (s *State) killV2() bool {
	if !s.Layout.IsV2() || !s.Owned("") {
		return false
	}
	return writeFile(filepath.Join(s.Layout.Unified, s.Path), "cgroup.kill", "1") == nil
}

// ownsFreezer reports whether minirun created the directory that freezes
// the container, so freezing it stops no foreign process.
func (s *State) ownsFreezer() bool {
	if s.Layout.IsV2() {
		return s.Owned("")
	}
	for name := range s.Layout.V1 {
		if v1HasController(name, "freezer") {
			return s.Owned(name)
		}
	}
	return false
}

func (s *State) thawIfFrozen() {
	if s.Frozen() {
		s.Freeze(false)
	}
}

// Destroy removes the directories minirun created (removals): in each
// such hierarchy first the sub-cgroups the container made (deepest
// first, as rmdir of a cgroup with children fails with EBUSY), then its
// own directory, then the parents minirun made, each only if empty: a
// sibling container living in a parent keeps it, and that is not an
// error. A hierarchy where minirun did not create the directory is left
// alone.
func (s *State) Destroy() error {
	var firstErr error
	for _, r := range s.removals() {
		if err := removeTree(r.dir); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		for _, d := range r.parents {
			if os.Remove(d) != nil {
				break // not empty (a sibling), or gone: either way not ours to fail on
			}
		}
	}
	return firstErr
}

// removal is one hierarchy's share of Destroy: the container's directory
// with its sub-cgroups, then the parents minirun made above it, nearest
// first and the recorded top last.
type removal struct {
	dir     string
	parents []string
}

// removals decides what Destroy may remove, from the record alone: for
// each hierarchy in Created, the container's directory and every
// directory from its parent up to the recorded top (which Create set to
// the topmost one it made, or Adopt to a sibling's). An entry whose top is
// neither the directory nor above it, or for a hierarchy the container
// has no directory in, is not a record minirun wrote and removes nothing.
func (s *State) removals() []removal {
	dirs := s.Dirs()
	var out []removal
	for name, top := range s.Created {
		dir, ok := dirs[name]
		if !ok || !within(dir, top) {
			continue
		}
		r := removal{dir: dir}
		for d := filepath.Dir(dir); within(d, top); d = filepath.Dir(d) {
			r.parents = append(r.parents, d)
			if d == top {
				break
			}
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].dir < out[j].dir })
	return out
}

// removeTree removes dir and every sub-cgroup under it, children first.
func removeTree(dir string) error {
	var tree []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			tree = append(tree, p)
		}
		return nil
	})
	// WalkDir lists a directory before its children: reversed, children first.
	for i := len(tree) - 1; i >= 0; i-- {
		if err := rmdirRetry(tree[i]); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove cgroup %s: %w", tree[i], err)
		}
	}
	return nil
}
