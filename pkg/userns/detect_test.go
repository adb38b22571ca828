package userns

import "testing"

func TestIsIdentityMap(t *testing.T) {
	if !isIdentityMap("         0          0 4294967295\n") || isIdentityMap("0 1001 1\n") {
		t.Error("only the full map is the initial user namespace")
	}
}
