package container

import (
	"testing"

	"github.com/minirun/minirun/pkg/cgroups"
	"github.com/minirun/minirun/pkg/state"
)

// A parent cgroup another container of this root made, and that now holds
// the new one too, is taken over from that container's saved record, so
// whichever of the two is deleted last removes it. Nothing is taken from
// a record without a cgroup, from the container itself, or when the new
// container's directories sit right below the mounts.
func TestAdoptParentsFromSiblingRecords(t *testing.T) {
	root := t.TempDir()
	l := cgroups.Layout{V1: map[string]string{"pids": "/cg/pids"}}
	save := func(id string, cg *cgroups.State) {
		t.Helper()
		st := &state.Container{ID: id, Cgroup: cg}
		if err := state.Create(root, st); err != nil {
			t.Fatal(err)
		}
		if err := st.Save(); err != nil {
			t.Fatal(err)
		}
	}
	save("a", &cgroups.State{Layout: l, Path: "/p/a", Created: map[string]string{"pids": "/cg/pids/p"}})
	save("half", nil) // a create that has not made its cgroup yet
	b := &cgroups.State{Layout: l, Path: "/p/b", Created: map[string]string{"pids": "/cg/pids/p/b"}}
	save("b", b)

	if !belowExisting(b) {
		t.Fatal("b's directory below an existing parent not seen")
	}
	adoptParents(root, "b", b)
	if got := b.Created["pids"]; got != "/cg/pids/p" {
		t.Fatalf("b's top %q, want a's parent /cg/pids/p", got)
	}

	top := &cgroups.State{Layout: l, Path: "/p", Created: map[string]string{"pids": "/cg/pids/p"}}
	if belowExisting(top) {
		t.Fatal("a directory right below the mount counted as below an existing one")
	}
	preExisting := &cgroups.State{Layout: l, Path: "/p/c", Created: map[string]string{}}
	adoptParents(root, "c", preExisting)
	if preExisting.Owned("pids") {
		t.Fatal("a pre-existing directory became owned")
	}
}
