package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/minirun/minirun/pkg/container"
)

func init() {
	register("explain", command{"show each isolation layer of a running container, from kernel state", runExplain})
}

func runExplain(g container.Global, args []string) (int, error) {
	fs := newFlags("explain")
	format := fs.String("format", "text", "output format: text or json")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if *format != "text" && *format != "json" {
		return 1, fmt.Errorf("--format: unknown format %q (text or json)", *format)
	}
	id, err := oneID(fs)
	if err != nil {
		return 1, err
	}
	rep, err := container.Explain(g, id)
	if err != nil {
		return 1, err
	}
	if *format == "json" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		fmt.Println(string(b))
		return 0, nil
	}
	rep.WriteText(os.Stdout)
	return 0, nil
}
