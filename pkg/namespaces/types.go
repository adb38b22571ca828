package namespaces

import "slices"

// Types lists the spec's namespace types this runtime creates and joins,
// sorted (what `features` reports).
func Types() []string {
	out := make([]string, 0, len(Kinds))
	for t := range Kinds {
		out = append(out, string(t))
	}
	slices.Sort(out)
	return out
}
