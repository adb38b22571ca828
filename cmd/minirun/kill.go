package main

import (
	"fmt"

	"github.com/minirun/minirun/pkg/container"
)

func init() {
	register("kill", command{"send a signal (default SIGTERM) to a container", runKill})
}

func runKill(g container.Global, args []string) (int, error) {
	fs := newFlags("kill")
	all := fs.Bool("all", false, "signal every process in the container's cgroup")
	fs.BoolVar(all, "a", false, "signal every process in the container's cgroup")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		return 1, fmt.Errorf("kill: usage: kill [--all] ID [SIGNAL]")
	}
	sigName := "SIGTERM"
	if fs.NArg() == 2 {
		sigName = fs.Arg(1)
	}
	sig, err := container.ParseSignal(sigName)
	if err != nil {
		return 1, err
	}
	return 0, container.Kill(g, fs.Arg(0), sig, *all)
}
