package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
)

// Placement is how a process the runtime spawns (the bootstrap of an init
// or of an exec) gets into the container's cgroups. The rule every route
// keeps: the bootstrap is in the container's cgroup of every hierarchy
// before it clones anything, so no process of the container (the init,
// an exec'd process, whatever they fork) ever runs outside it, not even
// for the moment a later move would take, and the resources written at
// create bind it from its first instruction. What the parent does
// (CgroupFD at the start, Join after it) is therefore done before the
// bootstrap frame is sent: once sent, the bootstrap may clone at once.
// The routes, one per kind of hierarchy:
//
//   - cgroup v2 (CgroupFD): the bootstrap is born in the container's
//     directory, through clone3 CLONE_INTO_CGROUP with its fd: nothing
//     to migrate, no moment outside.
//   - cgroup v1 (Tasks): v1 has no CLONE_INTO_CGROUP. The bootstrap,
//     still single-threaded C before the Go runtime, writes "0" into each
//     hierarchy's tasks file itself (nsenter.c:join_cgroups), first thing
//     after reading the frame that carries the paths and before any setns
//     or clone, while the paths are still the host's. A move by the
//     parent, by pid, would wait an RCU grace period per hierarchy.
//     Since the bootstrap's start does not need them, create makes the
//     cgroups while the bootstrap starts (container.startCgroup).
//   - hybrid host (v1 plus a unified mount), for a container that has a
//     unified directory (State.HybridUnified: hugepage limits no v1
//     hierarchy binds): the v1 hierarchies as above, and the parent
//     writes the bootstrap's pid into the unified cgroup.procs (Join).
//     This is the rare case, and a write by pid works wherever that
//     mount is writable; a container without it stays in the caller's
//     unified cgroup, as before.
//   - no cgroup (a nil State, or a rootless container placed in none):
//     nothing, the process stays in the caller's cgroups.
//
// `exec --cgroup SUB` narrows the State first (State.Sub); its placement
// is then the same routes into the sub-cgroup.
type Placement struct {
	// Tasks are the v1 tasks files the bootstrap writes itself into
	// (namespaces.Bootstrap.CgroupTasks), sorted.
	Tasks []string

	cloneInto *os.File // the v2 directory, for CLONE_INTO_CGROUP
	joinDir   string   // the unified directory the parent writes the pid into
}

// Placement decides the routes for the container's cgroups (see
// Placement) and opens what they need; the caller closes it once the
// bootstrap has started. A nil State places nowhere.
func (s *State) Placement() (*Placement, error) {
	p := &Placement{}
	if s == nil {
		return p, nil
	}
	dirs := s.Dirs()
	for name, dir := range dirs {
		if name != "" {
			p.Tasks = append(p.Tasks, filepath.Join(dir, "tasks"))
		}
	}
	sort.Strings(p.Tasks)
	dir, unified := dirs[""]
	switch {
	case unified && s.Layout.IsV2():
		f, err := os.Open(dir)
		if err != nil {
			return nil, fmt.Errorf("open cgroup %s for CLONE_INTO_CGROUP: %w", dir, err)
		}
		p.cloneInto = f
	case unified:
		p.joinDir = dir
	}
	return p, nil
}

// CgroupFD is the directory fd to start the bootstrap with
// (SysProcAttr.UseCgroupFD, clone3 CLONE_INTO_CGROUP); false when the
// bootstrap is placed some other way.
func (p *Placement) CgroupFD() (int, bool) {
	if p.cloneInto == nil {
		return -1, false
	}
	return int(p.cloneInto.Fd()), true
}

// Join is the parent's step once the bootstrap runs as pid, before its
// frame is sent: on a hybrid host, the move into the unified directory.
// A no-op on every other route.
func (p *Placement) Join(pid int) error {
	if p.joinDir == "" {
		return nil
	}
	if err := writeFile(p.joinDir, "cgroup.procs", strconv.Itoa(pid)); err != nil {
		return fmt.Errorf("join cgroup %s: %w", p.joinDir, err)
	}
	return nil
}

// Close releases the v2 directory fd.
func (p *Placement) Close() error {
	if p.cloneInto == nil {
		return nil
	}
	return p.cloneInto.Close()
}
