package state

import (
	"regexp"
	"testing"
)

// The hand-written id check must accept exactly what runc's pattern does.
func TestIDCheckMatchesRuncPattern(t *testing.T) {
	runc := regexp.MustCompile(`^[\w+\-.]+$`)
	alphabet := []string{"a", "Z", "0", "_", "+", "-", ".", "/", " ", "\n", "\x00", "é", ":", "\\", "*"}
	var walk func(prefix string, depth int)
	walk = func(prefix string, depth int) {
		want := runc.MatchString(prefix) && prefix != "." && prefix != ".."
		if got := ValidateID(prefix) == nil; got != want {
			t.Errorf("ValidateID(%q) accepted=%v, runc's pattern says %v", prefix, got, want)
		}
		if depth == 0 {
			return
		}
		for _, c := range alphabet {
			walk(prefix+c, depth-1)
		}
	}
	walk("", 3)
}
