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
	// runc's run makes itself a child subreaper unless told not to;
	// minirun's never does (it waits for the init, its own child, and
	// orphans go to the caller's subreaper), so the flag asks for what
	// already happens.
	fs.Bool("no-subreaper", false, "accepted for runc compatibility: minirun run never becomes a subreaper")
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
