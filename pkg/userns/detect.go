package userns

import (
	"os"
	"strings"
)

// InNonHostUserNS reports whether this process runs in a user namespace
// other than the initial one: the initial namespace maps every id
// (0 0 4294967295); any other map means a namespace some user made.
func InNonHostUserNS() bool {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false
	}
	return !isIdentityMap(string(b))
}

func isIdentityMap(m string) bool {
	return strings.Join(strings.Fields(m), " ") == "0 0 4294967295"
}
