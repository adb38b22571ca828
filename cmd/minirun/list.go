package main

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/minirun/minirun/pkg/container"
)

func init() {
	register("list", command{"list containers", runList})
}

func runList(g container.Global, args []string) (int, error) {
	fs := newFlags("list")
	format := fs.String("format", "table", "table or json")
	fs.StringVar(format, "f", "table", "table or json")
	quiet := fs.Bool("quiet", false, "ids only")
	fs.BoolVar(quiet, "q", false, "ids only")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	// As runc: a missing default root means no containers yet, a missing
	// --root is an error.
	if _, err := os.Stat(g.Root); rootSet && errors.Is(err, os.ErrNotExist) {
		return 1, fmt.Errorf("open %s: %w", g.Root, unix.ENOENT)
	}
	return 0, container.List(g, *format, *quiet, os.Stdout)
}
