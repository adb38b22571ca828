package main

import (
	"fmt"
	"os"

	"github.com/minirun/minirun/pkg/container"
)

func init() {
	register("ps", command{"list the processes of a container", runPs})
}

func runPs(g container.Global, args []string) (int, error) {
	fs := newFlags("ps")
	format := fs.String("format", "table", "table or json")
	fs.StringVar(format, "f", "table", "table or json")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if fs.NArg() < 1 {
		return 1, fmt.Errorf("ps: a container id is required")
	}
	return 0, container.Ps(g, fs.Arg(0), *format, fs.Args()[1:], os.Stdout)
}
