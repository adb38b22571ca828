package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/minirun/minirun/pkg/apparmor"
	"github.com/minirun/minirun/pkg/container"
)

func init() {
	register("apparmor", command{"generate (print) or load the default AppArmor profile", runAppArmor})
}

func runAppArmor(_ container.Global, args []string) (int, error) {
	if len(args) == 0 || (args[0] != "generate" && args[0] != "load") {
		return 1, fmt.Errorf("apparmor: usage: apparmor generate|load [--name NAME] [--raw-network]")
	}
	fs := newFlags("apparmor " + args[0])
	var o apparmor.Options
	fs.StringVar(&o.Name, "name", apparmor.DefaultName, "profile name")
	fs.BoolVar(&o.RawNetwork, "raw-network", false, "allow raw and packet sockets")
	if err := fs.Parse(args[1:]); err != nil {
		return 2, err
	}
	profile, err := apparmor.Generate(o)
	if err != nil {
		return 1, err
	}
	if args[0] == "generate" {
		fmt.Print(profile)
		return 0, nil
	}
	if !apparmor.Enabled("/sys") {
		return 1, fmt.Errorf("apparmor load: %w", apparmor.ErrNotEnabled)
	}
	cmd := exec.Command("apparmor_parser", "-Kr")
	cmd.Stdin = strings.NewReader(profile)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return 1, fmt.Errorf("apparmor_parser: %w", err)
	}
	return 0, nil
}
