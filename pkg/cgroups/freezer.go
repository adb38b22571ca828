package cgroups

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Freeze stops (frozen=true) or resumes every process in the container,
// waiting until the kernel reports the new state.
func (s *State) Freeze(frozen bool) error {
	if s.Layout.IsV2() {
		dir := filepath.Join(s.Layout.Unified, s.Path)
		v := map[bool]string{true: "1", false: "0"}[frozen]
		if err := writeFile(dir, "cgroup.freeze", v); err != nil {
			return fmt.Errorf("freeze: %w", err)
		}
		return waitFor(func() bool {
			ev, _ := readFile(dir, "cgroup.events")
			return strings.Contains(ev, "frozen "+v)
		})
	}
	dir, ok := s.v1Dir("freezer")
	if !ok {
		return fmt.Errorf("freeze: the freezer controller is not mounted on this host")
	}
	want := map[bool]string{true: "FROZEN", false: "THAWED"}[frozen]
	if err := writeFile(dir, "freezer.state", want); err != nil {
		return fmt.Errorf("freeze: %w", err)
	}
	return waitFor(func() bool {
		st, _ := readFile(dir, "freezer.state")
		if st == "FREEZING" {
			writeFile(dir, "freezer.state", want)
		}
		return st == want
	})
}

// Frozen reports whether the container's cgroup is frozen.
func (s *State) Frozen() bool {
	if s.Layout.IsV2() {
		ev, _ := readFile(filepath.Join(s.Layout.Unified, s.Path), "cgroup.events")
		return strings.Contains(ev, "frozen 1")
	}
	dir, ok := s.v1Dir("freezer")
	if !ok {
		return false
	}
	st, _ := readFile(dir, "freezer.state")
	return st == "FROZEN"
}

func waitFor(done func() bool) error {
	for i := 0; i < 1000; i++ {
		if done() {
			return nil
		}
		time.Sleep(time.Millisecond)
	}
	return fmt.Errorf("freeze: timed out waiting for the cgroup state to change")
}
