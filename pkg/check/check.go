// Package check audits an OCI config before it runs: each rule has an id,
// a severity and a reason a student or an auditor can act on. It reads only
// the config and facts about the host handed to it, so every rule is a
// pure function with unit tests.
package check

import (
	"fmt"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Severity orders findings; --fail-on compares against it.
type Severity int

const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = []string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string { return severityNames[s] }

// MarshalText writes the severity's name in JSON output.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseSeverity reads a --fail-on value.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if n == strings.ToLower(name) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (one of %s)", name, strings.Join(severityNames, ", "))
}

// Host holds the facts about the machine some rules depend on.
type Host struct {
	AppArmor bool
	SELinux  bool
}

// Finding is one rule that fired.
type Finding struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Field    string   `json:"field"`
	Message  string   `json:"message"`
}

// rule inspects a config and reports what it finds; field and message
// come from the rule, one finding per offending item.
type rule struct {
	id       string
	severity Severity
	title    string
	check    func(s *specs.Spec, h Host) []hit
}

// hit is where a rule fired and why, in plain words.
type hit struct{ field, message string }

// Rules lists every rule's id, severity and title, for --help and docs.
func Rules() []string {
	var out []string
	for _, r := range rules {
		out = append(out, fmt.Sprintf("%s %-8s %s", r.id, r.severity, r.title))
	}
	return out
}

// Run applies every rule and returns the findings, most severe first.
func Run(s *specs.Spec, h Host) []Finding {
	if s.Process == nil {
		s.Process = &specs.Process{}
	}
	if s.Linux == nil {
		s.Linux = &specs.Linux{}
	}
	if s.Root == nil {
		s.Root = &specs.Root{}
	}
	var out []Finding
	for _, r := range rules {
		for _, x := range r.check(s, h) {
			out = append(out, Finding{ID: r.id, Severity: r.severity, Field: x.field, Message: x.message})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity > out[j].Severity })
	return out
}

// Worst is the highest severity among the findings, and false for none.
func Worst(fs []Finding) (Severity, bool) {
	if len(fs) == 0 {
		return 0, false
	}
	return fs[0].Severity, true
}
