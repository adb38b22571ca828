package main

import "github.com/minirun/minirun/pkg/container"

func init() {
	register("run", command{"create and start a container; wait for it unless --detach", runRun})
}

func runRun(g container.Global, args []string) (int, error) {
	fs := newFlags("run")
	var o container.RunOptions
	createFlags(fs, &o.CreateOptions)
	fs.BoolVar(&o.Detach, "detach", false, "return once the container runs")
	fs.BoolVar(&o.Detach, "d", false, "return once the container runs")
	fs.BoolVar(&o.Keep, "keep", false, "keep the container after it exits")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	id, err := oneID(fs)
	if err != nil {
		return 1, err
	}
	o.ID = id
	return container.Run(g, o)
}
