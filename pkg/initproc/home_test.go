package initproc

import (
	"strings"
	"testing"
)

func TestPasswdHome(t *testing.T) {
	passwd := "root:x:0:0:root:/root:/bin/sh\nbroken line\nuser:x:1000:1000::/home/user:/bin/sh\n"
	if h := passwdHome(strings.NewReader(passwd), 1000); h != "/home/user" {
		t.Fatalf("uid 1000: %q", h)
	}
	if h := passwdHome(strings.NewReader(passwd), 42); h != "" {
		t.Fatalf("unknown uid: %q", h)
	}
	env := []string{"HOME=/custom"}
	if got := withHome(env, 0); len(got) != 1 || got[0] != "HOME=/custom" {
		t.Fatalf("an existing HOME must be kept: %v", got)
	}
}
