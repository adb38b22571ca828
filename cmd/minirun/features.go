package main

import (
	"encoding/json"
	"fmt"

	"github.com/minirun/minirun/pkg/container"
)

func init() {
	register("features", command{"print the runtime-spec features JSON", func(g container.Global, args []string) (int, error) {
		b, err := json.MarshalIndent(container.Features(), "", "    ")
		if err != nil {
			return 1, err
		}
		fmt.Println(string(b))
		return 0, nil
	}})
}
