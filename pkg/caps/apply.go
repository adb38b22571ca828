package caps

import (
	"fmt"

	"github.com/moby/sys/capability"
)

// DropBounding drops every capability not in the bounding set. It needs
// CAP_SETPCAP, so it runs before the user switch (capabilities(7)).
func DropBounding(s Sets) error {
	c, err := capability.NewPid2(0)
	if err != nil {
		return fmt.Errorf("capabilities: %w", err)
	}
	if err := c.Load(); err != nil {
		return fmt.Errorf("load capabilities: %w", err)
	}
	c.Clear(capability.BOUNDING)
	c.Set(capability.BOUNDING, s.Bounding...)
	if err := c.Apply(capability.BOUNDING); err != nil {
		return fmt.Errorf("drop bounding set: %w", err)
	}
	return nil
}

// ApplyFinal sets effective, permitted and inheritable, then ambient (which
// needs each capability in both permitted and inheritable first).
func ApplyFinal(s Sets) error {
	c, err := capability.NewPid2(0)
	if err != nil {
		return fmt.Errorf("capabilities: %w", err)
	}
	if err := c.Load(); err != nil {
		return fmt.Errorf("load capabilities: %w", err)
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
