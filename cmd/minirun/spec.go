package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/minirun/minirun/pkg/container"
	"github.com/minirun/minirun/pkg/specgen"
)

func init() {
	register("spec", command{"write a default config.json into the bundle", runSpec})
}

func runSpec(_ container.Global, args []string) (int, error) {
	fs := newFlags("spec")
	bundle := fs.String("bundle", ".", "bundle directory to write config.json into")
	fs.StringVar(bundle, "b", ".", "bundle directory to write config.json into")
	hardened := fs.Bool("hardened", false, "Docker's defaults: 14 capabilities, seccomp, no_new_privs, user namespace")
	rootless := fs.Bool("rootless", false, "a config an unprivileged user can run: user namespace mapping root to the caller, no network namespace, /sys bound read-only")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if *hardened && *rootless {
		return 2, fmt.Errorf("spec: --hardened maps a subordinate range; it cannot be combined with --rootless")
	}
	s := specgen.ForHost()
	if *hardened {
		specgen.Harden(s)
	}
	if *rootless {
		specgen.Rootless(s, uint32(os.Geteuid()), uint32(os.Getegid()))
	}
	path := filepath.Join(*bundle, "config.json")
	if _, err := os.Stat(path); err == nil {
		return 1, fmt.Errorf("spec: %s already exists", path)
	}
	b, err := json.MarshalIndent(s, "", "\t")
	if err != nil {
		return 1, err
	}
	return 0, os.WriteFile(path, append(b, '\n'), 0o644)
}
