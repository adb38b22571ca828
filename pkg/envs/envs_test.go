package envs

import (
	"reflect"
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	cases := []struct {
		name    string
		in, out []string
	}{
		{"unchanged", []string{"A=1", "B=2"}, []string{"A=1", "B=2"}},
		{"last wins, in its place", []string{"A=1", "B=2", "A=3", "C=4"}, []string{"B=2", "A=3", "C=4"}},
		{"empty HOME dropped", []string{"HOME=", "PATH=/bin"}, []string{"PATH=/bin"}},
		{"a later empty HOME overrides an earlier one", []string{"HOME=/root", "HOME="}, []string{}},
		{"a later HOME overrides an empty one", []string{"HOME=", "HOME=/home/u"}, []string{"HOME=/home/u"}},
		{"empty value kept for others", []string{"X=", "X="}, []string{"X="}},
		{"nil", nil, []string{}},
	}
	for _, c := range cases {
		if got := Clean(c.in); !reflect.DeepEqual(got, c.out) {
			t.Errorf("%s: Clean(%q) = %q, want %q", c.name, c.in, got, c.out)
		}
	}
}

func TestCleanDoesNotModifyInput(t *testing.T) {
	in := []string{"A=1", "A=2"}
	Clean(in)
	if in[0] != "A=1" || in[1] != "A=2" {
		t.Fatalf("input changed: %q", in)
	}
}

func TestCheck(t *testing.T) {
	for in, want := range map[string]string{"NOEQ": "not KEY=VALUE", "=x": "empty name", "A=b\x00c": "NUL byte"} {
		if err := Check([]string{"OK=1", in}, "process.env"); err == nil || !strings.Contains(err.Error(), "process.env[1]: ") || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
	if err := Check([]string{"A=", "B=c=d"}, "process.env"); err != nil {
		t.Errorf("valid env refused: %v", err)
	}
}
