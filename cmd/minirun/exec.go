package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/minirun/minirun/pkg/container"
)

func init() {
	register("exec", command{"run a new process inside a running container", runExec})
}

// multi collects a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func runExec(g container.Global, args []string) (int, error) {
	fs := newFlags("exec")
	var o container.ExecOptions
	var env, gids, capsList multi
	fs.StringVar(&o.ProcessFile, "process", "", "process.json describing the process")
	fs.StringVar(&o.ProcessFile, "p", "", "process.json describing the process")
	fs.BoolVar(&o.Tty, "tty", false, "allocate a pty")
	fs.BoolVar(&o.Tty, "t", false, "allocate a pty")
	fs.StringVar(&o.ConsoleSocket, "console-socket", "", "unix socket that receives the pty master")
	fs.StringVar(&o.PidfdSocket, "pidfd-socket", "", "unix socket that receives a pidfd of the process")
	fs.BoolVar(&o.Detach, "detach", false, "do not wait for the process")
	fs.BoolVar(&o.Detach, "d", false, "do not wait for the process")
	fs.StringVar(&o.PidFile, "pid-file", "", "file to write the process's pid to")
	fs.Var(&env, "env", "KEY=VALUE to add (repeatable)")
	fs.Var(&env, "e", "KEY=VALUE to add (repeatable)")
	fs.StringVar(&o.Cwd, "cwd", "", "working directory in the container")
	fs.StringVar(&o.User, "user", "", "UID[:GID] replacing the config's (groups and umask stay)")
	fs.StringVar(&o.User, "u", "", "UID[:GID] replacing the config's (groups and umask stay)")
	fs.Var(&gids, "additional-gids", "supplementary group added to the config's (repeatable)")
	fs.Var(&gids, "g", "supplementary group added to the config's (repeatable)")
	fs.Var(&capsList, "cap", "capability to add (repeatable)")
	fs.Var(&capsList, "c", "capability to add (repeatable)")
	fs.BoolVar(&o.NoNewPrivs, "no-new-privs", false, "set no_new_privs")
	fs.StringVar(&o.AppArmor, "apparmor", "", "AppArmor profile")
	fs.IntVar(&o.PreserveFds, "preserve-fds", 0, "pass N extra fds (from 3) to the process")
	fs.String("process-label", "", "SELinux label (ignored without SELinux)")
	fs.BoolVar(&o.IgnorePaused, "ignore-paused", false, "allow exec in a paused container")
	fs.StringVar(&o.SubCgroup, "cgroup", "", "run the process in this existing sub-cgroup of the container's cgroup")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if fs.NArg() < 1 {
		return 1, fmt.Errorf("exec: a container id is required")
	}
	o.ID, o.Args, o.Env, o.Caps = fs.Arg(0), fs.Args()[1:], env, capsList
	for _, gs := range gids {
		for _, part := range strings.Split(gs, ",") {
			n, err := strconv.Atoi(part)
			if err != nil || n < 0 {
				return 1, fmt.Errorf("--additional-gids: %q is not a group id", part)
			}
			o.AdditionalGids = append(o.AdditionalGids, n)
		}
	}
	code, err := container.Exec(g, o)
	if err != nil {
		// runc: every failure to start the process exits 255, so callers
		// tell it from the process's own status ("exec failed: ...").
		return 255, exitCode(255, fmt.Errorf("exec failed: %w", err))
	}
	return code, nil
}
