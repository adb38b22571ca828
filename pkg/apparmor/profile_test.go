package apparmor

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestGenerateRules(t *testing.T) {
	p, err := Generate(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range []string{"profile minirun-default", "deny mount,", "deny @{PROC}/kcore rwklx,", "deny /sys/firmware/** rwklx,", "deny network raw,"} {
		if !strings.Contains(p, rule) {
			t.Errorf("profile lacks %q", rule)
		}
	}
	raw, _ := Generate(Options{Name: "web", RawNetwork: true})
	if strings.Contains(raw, "deny network raw") || !strings.Contains(raw, "profile web ") {
		t.Error("RawNetwork or Name not honoured")
	}
	if _, err := Generate(Options{Name: "bad name/../x"}); err == nil {
		t.Error("invalid name accepted")
	}
}

// apparmor_parser compiles a profile without loading it (-Q), which works
// on this kernel without AppArmor.
func TestGeneratedProfileCompiles(t *testing.T) {
	parser, err := exec.LookPath("apparmor_parser")
	if err != nil {
		t.Skip("apparmor_parser is not installed (apt-get install apparmor)")
	}
	for _, o := range []Options{{}, {Name: "raw", RawNetwork: true}} {
		p, _ := Generate(o)
		file := filepath.Join(t.TempDir(), "profile")
		os.WriteFile(file, []byte(p), 0o644)
		out, err := exec.Command(parser, "-Q", "-K", "-o", filepath.Join(t.TempDir(), "bin"), file).CombinedOutput()
		if err != nil {
			t.Fatalf("apparmor_parser rejected the profile: %v\n%s", err, out)
		}
	}
}

func TestGenerateNameIsNotReplacedAgain(t *testing.T) {
	p, err := Generate(Options{Name: "RAWNET"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p, "profile RAWNET flags=") || !strings.Contains(p, "peer=RAWNET,") {
		t.Fatalf("profile name altered:\n%s", p)
	}
	if strings.Count(p, "deny network raw,") != 1 {
		t.Fatalf("raw network rule missing or doubled:\n%s", p)
	}
}

// The hand-written name check must accept exactly what its pattern says.
func TestNameCheckMatchesPattern(t *testing.T) {
	pattern := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.+-]*$`)
	alphabet := []string{"a", "Z", "0", "_", "+", "-", ".", "/", " ", "\n", "\x00", "é", "{"}
	var walk func(prefix string, depth int)
	walk = func(prefix string, depth int) {
		if got, want := validName(prefix), pattern.MatchString(prefix); got != want {
			t.Errorf("validName(%q) = %v, pattern says %v", prefix, got, want)
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
