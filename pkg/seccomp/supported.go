package seccomp

import (
	"slices"
)

// The tables Validate accepts are what `features` reports: one list each.

// SupportedActions lists the actions Validate accepts, sorted.
func SupportedActions() []string { return sortedKeys(actions) }

// SupportedOperators lists the operators Validate accepts, sorted.
func SupportedOperators() []string { return sortedKeys(operators) }

// SupportedFlags lists the filter flags Validate accepts, sorted.
func SupportedFlags() []string { return sortedKeys(flagValues) }

func sortedKeys[K ~string, V any](m map[K]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, string(k))
	}
	slices.Sort(out)
	return out
}
