package main

import (
	"os"

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
	return 0, container.List(g, *format, *quiet, os.Stdout)
}
