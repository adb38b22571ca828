package caps

import (
	"fmt"

	"github.com/moby/sys/capability"
)

// DropBounding drops every capability not in the bounding set. It needs
// CAP_SETPCAP, so it runs before the user switch (capabilities(7)). No
// Load: every set is cleared and rebuilt from the config, so nothing is
// read from a /proc the container may control.
func DropBounding(s Sets) error {
	c, err := capability.NewPid2(0)
	if err != nil {
		return fmt.Errorf("capabilities: %w", err)
	}
	c.Clear(capability.BOUNDING)
	c.Set(capability.BOUNDING, s.Bounding...)
	if err := c.Apply(capability.BOUNDING); err != nil {
		return fmt.Errorf("drop bounding set: %w", err)
	}
	return verifyBounding(s.Bounding)
}

// verifyBounding fails closed: the library skips the drop without
// CAP_SETPCAP, and a bounding set wider than configured must not pass.
func verifyBounding(want []capability.Cap) error {
	last, err := capability.LastCap()
	if err != nil {
		return err
	}
	in := map[capability.Cap]bool{}
	for _, c := range want {
		in[c] = true
	}
	for c := capability.Cap(0); c <= last; c++ {
		has, err := capability.GetBound(c)
		if err != nil {
			return fmt.Errorf("read bounding set: %w", err)
		}
		if has && !in[c] {
			return fmt.Errorf("bounding set still holds %s after the drop", c)
		}
	}
	return nil
}

// Warm reads what the library caches from /proc (the last capability), so
// later calls work after pivot_root, without the host's /proc.
func Warm() error {
	_, err := capability.LastCap()
	return err
}

// ApplyFinal sets effective, permitted and inheritable, then ambient (which
// needs each capability in both permitted and inheritable first).
func ApplyFinal(s Sets) error {
	c, err := capability.NewPid2(0)
	if err != nil {
		return fmt.Errorf("capabilities: %w", err)
	}
	c.Clear(capability.CAPS | capability.AMBIENT)
	c.Set(capability.EFFECTIVE, s.Effective...)
	c.Set(capability.PERMITTED, s.Permitted...)
	c.Set(capability.INHERITABLE, s.Inheritable...)
	c.Set(capability.AMBIENT, s.Ambient...)
	if err := c.Apply(capability.CAPS); err != nil {
		return fmt.Errorf("set effective/permitted/inheritable: %w", err)
	}
	if err := c.Apply(capability.AMBIENT); err != nil {
		return fmt.Errorf("set ambient: %w", err)
	}
	return nil
}
