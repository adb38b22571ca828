package userns

import (
	"os"
	"strings"
	"sync"
)

// InNonHostUserNS reports whether this process runs in a user namespace
// other than the initial one: the initial namespace maps every id
// (0 0 4294967295); any other map means a namespace some user made.
// The answer is read once per process: a process does not change its user
// namespace after Go starts (the init is cloned into its before), and
// every command asks it more than once.
func InNonHostUserNS() bool { return inNonHostUserNS() }

var inNonHostUserNS = sync.OnceValue(func() bool {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false
	}
	return !isIdentityMap(string(b))
})

func isIdentityMap(m string) bool {
	return strings.Join(strings.Fields(m), " ") == "0 0 4294967295"
}
