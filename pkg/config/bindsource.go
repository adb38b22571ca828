package config

import (
	"path/filepath"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// resolveBindSources makes every relative bind-mount source absolute
// against the bundle directory, as runc does (it runs in the bundle): a
// config copied between hosts names its volumes relative to itself, and
// resolving them against the caller's cwd would bind whatever happens to be
// there instead.
func resolveBindSources(bundle string, s *specs.Spec) {
	for i, m := range s.Mounts {
		if m.Source != "" && !filepath.IsAbs(m.Source) && isBindMount(m) {
			s.Mounts[i].Source = filepath.Join(bundle, m.Source)
		}
	}
}

// isBindMount is runc's rule: the options make a bind, whatever the type
// says; type "bind" alone counts too (the spec's own examples use it).
func isBindMount(m specs.Mount) bool {
	return m.Type == "bind" || slices.Contains(m.Options, "bind") || slices.Contains(m.Options, "rbind")
}
