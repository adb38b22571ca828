package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/minirun/minirun/pkg/apparmor"
	"github.com/minirun/minirun/pkg/check"
	"github.com/minirun/minirun/pkg/config"
	"github.com/minirun/minirun/pkg/container"
	"golang.org/x/sys/unix"
)

func init() {
	register("check", command{"audit a bundle's config before running it (exit 3 on findings at or above --fail-on)", runCheck})
}

// exitFindings is check's status when a rule at or above --fail-on fired,
// apart from 1 (the bundle could not be checked).
const exitFindings = 3

func runCheck(_ container.Global, args []string) (int, error) {
	fs := newFlags("check")
	format := fs.String("format", "text", "output format: text or json")
	failOn := fs.String("fail-on", "high", "exit 3 when a finding is at least this severe (info, low, medium, high, critical)")
	list := fs.Bool("rules", false, "list the rules and exit")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: minirun check [flags] [BUNDLE]\n\nRules:\n  "+strings.Join(check.Rules(), "\n  ")+"\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if *list {
		fmt.Println(strings.Join(check.Rules(), "\n"))
		return 0, nil
	}
	threshold, err := check.ParseSeverity(*failOn)
	if err != nil {
		return 1, fmt.Errorf("--fail-on: %w", err)
	}
	if *format != "text" && *format != "json" {
		return 1, fmt.Errorf("--format: unknown format %q (text or json)", *format)
	}
	bundle := "."
	if fs.NArg() > 1 {
		return 1, fmt.Errorf("check: at most one bundle, got %d arguments", fs.NArg())
	} else if fs.NArg() == 1 {
		bundle = fs.Arg(0)
	}
	spec, _, err := config.Load(bundle)
	if err != nil {
		return 1, err
	}
	findings := check.Run(spec, check.Host{AppArmor: apparmor.Enabled("/sys"), SELinux: selinuxEnabled()})
	if *format == "json" {
		if findings == nil {
			findings = []check.Finding{}
		}
		b, _ := json.MarshalIndent(findings, "", "  ")
		fmt.Println(string(b))
	} else {
		for _, f := range findings {
			fmt.Printf("%s %-8s %s: %s\n", f.ID, f.Severity, f.Field, f.Message)
		}
		fmt.Printf("%d findings\n", len(findings))
	}
	if worst, ok := check.Worst(findings); ok && worst >= threshold {
		return exitFindings, nil
	}
	return 0, nil
}

func selinuxEnabled() bool {
	var st unix.Statfs_t
	return unix.Statfs("/sys/fs/selinux", &st) == nil && st.Type == unix.SELINUX_MAGIC
}
