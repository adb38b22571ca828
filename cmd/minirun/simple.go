package main

import (
	"os"

	"github.com/minirun/minirun/pkg/container"
)

func init() {
	register("start", command{"run the user process of a created container", idOnly(container.Start)})
	register("state", command{"print the state of a container as JSON", idOnly(func(g container.Global, id string) error {
		return container.State(g, id, os.Stdout)
	})})
	register("pause", command{"freeze every process of a container", idOnly(func(g container.Global, id string) error {
		return container.Pause(g, id, true)
	})})
	register("resume", command{"thaw a paused container", idOnly(func(g container.Global, id string) error {
		return container.Pause(g, id, false)
	})})
}

// idOnly adapts a function of one container id into a command.
func idOnly(f func(container.Global, string) error) func(container.Global, []string) (int, error) {
	return func(g container.Global, args []string) (int, error) {
		fs := newFlags("command")
		if err := fs.Parse(args); err != nil {
			return 2, err
		}
		id, err := oneID(fs)
		if err != nil {
			return 1, err
		}
		return 0, f(g, id)
	}
}
