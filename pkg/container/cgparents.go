package container

import (
	"path/filepath"

	"github.com/minirun/minirun/pkg/cgroups"
	"github.com/minirun/minirun/pkg/state"
)

// adoptParents lets a new container's cgroup take over the parents that
// another container of this root created and that now hold both (see
// cgroups.State.Adopt), so the last of them to go removes the parent.
// Only needed when some directory above the container's existed already.
func adoptParents(root, id string, cg *cgroups.State) {
	if !belowExisting(cg) {
		return
	}
	ids, _ := state.List(root)
	for _, other := range ids {
		if other == id {
			continue
		}
		if l, err := load(root, other); err == nil && l.st.Cgroup != nil {
			cg.Adopt(l.st.Cgroup)
		}
	}
}

// belowExisting reports whether, in some hierarchy, the topmost directory
// minirun created sits below one that is not a hierarchy's root.
func belowExisting(cg *cgroups.State) bool {
	mounts := map[string]bool{cg.Layout.Unified: true}
	for _, m := range cg.Layout.V1 {
		mounts[m] = true
	}
	for _, top := range cg.Created {
		if !mounts[filepath.Dir(top)] {
			return true
		}
	}
	return false
}

// withCgroupsLock runs fn under the root-wide cgroup lock (state.LockCgroups).
func withCgroupsLock(root string, fn func() error) error {
	unlock, err := lockCgroups(root)
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}

func lockCgroups(root string) (unlock func(), err error) {
	lk, err := state.LockCgroups(root)
	if err != nil {
		return nil, err
	}
	return lk.Unlock, nil
}

// rootOf is the state root a loaded record lives in.
func rootOf(st *state.Container) string { return filepath.Dir(st.Dir()) }
