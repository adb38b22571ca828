package main

import (
	"errors"
	"os"

	"github.com/minirun/minirun/pkg/container"
)

func init() {
	register("events", command{"print container stats (and OOM events) as JSON lines", runEvents})
}

func runEvents(g container.Global, args []string) (int, error) {
	fs := newFlags("events")
	stats := fs.Bool("stats", false, "print stats once and exit")
	interval := fs.Duration("interval", 5e9, "time between stats lines")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if *interval <= 0 {
		return 1, errors.New("duration interval must be greater than 0")
	}
	id, err := oneID(fs)
	if err != nil {
		return 1, err
	}
	return 0, container.Events(g, id, *stats, *interval, os.Stdout)
}
