// Package envs owns the shaping of a process's environment before execve,
// where runc's users can tell the difference: duplicates and an empty HOME.
package envs

import (
	"fmt"
	"strings"
)

// Clean returns env with duplicate variables removed, the last occurrence
// winning and staying where it was, and an empty HOME= dropped so that the
// caller fills HOME in from the container's /etc/passwd. This is runc's
// prepareEnv (libcontainer/env.go): Docker merges image and --env
// variables into one list, so duplicates are normal and the later ones are
// the user's. Entries without '=' are left for the caller's validation.
func Clean(env []string) []string {
	out := make([]string, 0, len(env))
	seen := make(map[string]bool, len(env))
	for i := len(env) - 1; i >= 0; i-- {
		kv := env[i]
		key, val, _ := strings.Cut(kv, "=")
		if seen[key] {
			continue
		}
		seen[key] = true
		if key == "HOME" && val == "" {
			continue
		}
		out = append(out, kv)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Check refuses what execve or runc would: an entry without '=', an empty
// name, or a NUL byte. field names the list in errors ("process.env").
func Check(env []string, field string) error {
	for i, kv := range env {
		key, _, ok := strings.Cut(kv, "=")
		switch {
		case !ok:
			return fmt.Errorf("%s[%d]: %q is not KEY=VALUE", field, i, kv)
		case key == "":
			return fmt.Errorf("%s[%d]: %q has an empty name", field, i, kv)
		case strings.IndexByte(kv, 0) >= 0:
			return fmt.Errorf("%s[%d]: variable %q contains a NUL byte", field, i, key)
		}
	}
	return nil
}
