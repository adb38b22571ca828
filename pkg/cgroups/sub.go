package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Sub is the container's cgroup narrowed to an existing sub-cgroup, for
// `exec --cgroup SUB` (runc 1.5). SUB is relative to the container's
// cgroup, never leaves it, and must exist in every hierarchy the container
// has: the exec'd process is placed there instead of in the container's
// own cgroup, and teardown, which walks the whole tree, still finds it.
// runc's per-controller form "CONTROLLER:SUB" is refused, not approximated.
func (s *State) Sub(sub string) (*State, error) {
	if s == nil {
		return nil, fmt.Errorf("--cgroup %q: the container has no cgroup of its own", sub)
	}
	if strings.Contains(sub, ":") {
		return nil, fmt.Errorf("--cgroup %q: the CONTROLLER:PATH form is not supported; give a path that exists in every hierarchy", sub)
	}
	clean := filepath.Clean(sub)
	if sub == "" || filepath.IsAbs(sub) || clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
		return nil, fmt.Errorf("--cgroup %q: must be a path below the container's cgroup", sub)
	}
	n := *s
	n.Path = filepath.Join(s.Path, clean)
	n.Created = nil // placement only: nothing here is created or owned
	for name, dir := range n.Dirs() {
		fi, err := os.Lstat(dir)
		if err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("--cgroup %q: no such sub-cgroup %s in hierarchy %q", sub, dir, name)
		}
	}
	return &n, nil
}
