// Package caps owns process.capabilities: name validation, resolution
// against the running kernel, and applying the five sets in the order the
// init sequence needs (bounding before the user switch, the rest after).
package caps

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

var byName = func() map[string]capability.Cap {
	m := map[string]capability.Cap{}
	for _, c := range capability.ListKnown() {
		m["CAP_"+strings.ToUpper(c.String())] = c
	}
	return m
}()

// Sets are capability numbers per set, known to the running kernel.
type Sets struct {
	Bounding, Effective, Permitted, Inheritable, Ambient []capability.Cap
}

// Validate rejects names that are not capabilities at all, naming the field.
func Validate(s *specs.Spec) error {
	if s.Process == nil || s.Process.Capabilities == nil {
		return nil
	}
	for set, names := range lists(s.Process.Capabilities) {
		if err := ValidateNames("process.capabilities."+set, names); err != nil {
			return err
		}
	}
	return nil
}

// ValidateNames checks a list of names; field prefixes the error.
func ValidateNames(field string, names []string) error {
	for i, n := range names {
		if _, ok := byName[strings.ToUpper(n)]; !ok {
			return fmt.Errorf("%s[%d]: unknown capability %q", field, i, n)
		}
	}
	return nil
}

func lists(c *specs.LinuxCapabilities) map[string][]string {
	return map[string][]string{
		"bounding": c.Bounding, "effective": c.Effective, "permitted": c.Permitted,
		"inheritable": c.Inheritable, "ambient": c.Ambient,
	}
}

// Resolve turns names into numbers. Names the running kernel does not have
// (newer than its last capability) are skipped and reported as warnings.
func Resolve(c *specs.LinuxCapabilities) (Sets, []string) {
	var s Sets
	if c == nil {
		return s, nil
	}
	last, err := capability.LastCap()
	if err != nil {
		known := capability.ListKnown()
		last = known[len(known)-1]
	}
	var warnings []string
	warned := map[capability.Cap]bool{}
	warn := func(cp capability.Cap, msg string) {
		if !warned[cp] {
			warned[cp] = true
			warnings = append(warnings, msg)
		}
	}
	has := runtimeBounding()
	conv := func(names []string) []capability.Cap {
		var out []capability.Cap
		for _, n := range names {
			cp, ok := byName[strings.ToUpper(n)]
			if !ok {
				continue
			}
			if cp > last {
				warn(cp, fmt.Sprintf("capability %s is not supported by the running kernel, skipped", n))
				continue
			}
			// runtime-spec: a capability that cannot be granted is logged
			// as a warning, and the runtime should not fail. One the
			// runtime's own bounding set lacks can never be granted.
			if !has(cp) {
				warn(cp, fmt.Sprintf("capability %s is not in the runtime's own bounding set and cannot be granted, skipped", n))
				continue
			}
			out = append(out, cp)
		}
		return out
	}
	s.Bounding, s.Effective, s.Permitted = conv(c.Bounding), conv(c.Effective), conv(c.Permitted)
	s.Inheritable = conv(c.Inheritable)
	// The kernel raises an ambient capability only if it is permitted and
	// inheritable too. runc 1.5 skips the others with a warning (its own
	// `runc spec` lists ambient caps without inheritable ones), so do we:
	// skipping one only ever grants less.
	for _, cp := range conv(c.Ambient) {
		if slices.Contains(s.Permitted, cp) && slices.Contains(s.Inheritable, cp) {
			s.Ambient = append(s.Ambient, cp)
		} else {
			warnings = append(warnings, fmt.Sprintf("ambient capability CAP_%s is not in both the permitted and inheritable sets, skipped", strings.ToUpper(cp.String())))
		}
	}
	return s, warnings
}

// Names renders a set back into CAP_ names, for display.
func Names(set []capability.Cap) []string {
	out := make([]string, len(set))
	for i, c := range set {
		out[i] = "CAP_" + strings.ToUpper(c.String())
	}
	return out
}

// AllNames lists every capability name the package knows, for `features`.
func AllNames() []string {
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// runtimeBounding reports which capabilities this process's bounding set
// holds (all, if it cannot be read). A variable, so tests can fake it.
var runtimeBounding = func() func(capability.Cap) bool {
	c, err := capability.NewPid2(0)
	if err == nil {
		err = c.Load()
	}
	if err != nil {
		return func(capability.Cap) bool { return true }
	}
	return func(cp capability.Cap) bool { return c.Get(capability.BOUNDING, cp) }
}
