package main

import (
	"fmt"
	"os"

	"github.com/minirun/minirun/pkg/state"
	"github.com/minirun/minirun/pkg/userns"
)

// defaultRoot is --root's default, as runc picks it (see state.RootFor).
func defaultRoot() string {
	user, set := os.LookupEnv("USER")
	return state.RootFor(os.Geteuid(), os.Getenv("XDG_RUNTIME_DIR"), userns.InNonHostUserNS(), user, set)
}

// parseRootless reads --rootless as runc does: auto means rootless when
// the caller is not root, or is root only inside a user namespace whose
// root is not the host's (it then owns no cgroup it did not get).
func parseRootless(v string) (bool, error) {
	switch v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "auto", "":
		return os.Geteuid() != 0 || userns.InNonHostUserNS(), nil
	}
	return false, fmt.Errorf("--rootless: %q is not true, false or auto", v)
}
