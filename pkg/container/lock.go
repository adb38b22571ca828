package container

import (
	"errors"
	"fmt"
	"os"

	"github.com/minirun/minirun/pkg/state"
)

// withLock runs fn under the container's lock (see state.Lock). When fn
// leaves no state dir (a delete, a failed create, an unknown id), the
// lock file goes too, so none outlives its container.
func withLock(root, id string, fn func() error) error {
	lk, err := state.LockID(root, id)
	if err != nil {
		return err
	}
	err = fn()
	if _, serr := os.Stat(state.Dir(root, id)); errors.Is(serr, os.ErrNotExist) {
		lk.Release()
	} else {
		lk.Unlock()
	}
	return err
}

// lockedCreate is create under the container's lock; the mkdir of the
// state dir inside stays the claim of the id.
func lockedCreate(g Global, o CreateOptions) (*created, error) {
	if err := os.MkdirAll(g.Root, 0o700); err != nil {
		return nil, fmt.Errorf("create state root %s: %w", g.Root, err)
	}
	var c *created
	err := withLock(g.Root, o.ID, func() error {
		var err error
		c, err = create(g, o)
		return err
	})
	return c, err
}
