package main

import "github.com/minirun/minirun/pkg/container"

func init() {
	register("delete", command{"remove a stopped (or, with --force, running) container", runDelete})
}

func runDelete(g container.Global, args []string) (int, error) {
	fs := newFlags("delete")
	force := fs.Bool("force", false, "kill the container first if it runs")
	fs.BoolVar(force, "f", false, "kill the container first if it runs")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	id, err := oneID(fs)
	if err != nil {
		return 1, err
	}
	return 0, container.Delete(g, id, *force)
}
