package main

import (
	"fmt"
	"os"

	"github.com/minirun/minirun/pkg/userns"
)

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
