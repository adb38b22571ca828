package main

import (
	"flag"
	"strings"

	"github.com/minirun/minirun/pkg/audit"

	"github.com/minirun/minirun/pkg/container"
)

func init() {
	register("create", command{"create a container and leave it waiting for start", runCreate})
}

func createFlags(fs *flag.FlagSet, o *container.CreateOptions) {
	fs.StringVar(&o.Bundle, "bundle", ".", "path to the bundle directory")
	fs.StringVar(&o.Bundle, "b", ".", "path to the bundle directory")
	fs.StringVar(&o.PidFile, "pid-file", "", "file to write the init's pid to")
	fs.StringVar(&o.ConsoleSocket, "console-socket", "", "unix socket that receives the pty master")
	fs.StringVar(&o.PidfdSocket, "pidfd-socket", "", "unix socket that receives a pidfd of the init")
	fs.BoolVar(&o.NoPivot, "no-pivot", false, "move the rootfs over / and chroot instead of pivot_root")
	fs.BoolVar(&o.NoNewKeyring, "no-new-keyring", false, "keep the caller's session keyring")
	fs.IntVar(&o.PreserveFds, "preserve-fds", 0, "pass N extra fds (from 3) to the process")
	fs.StringVar(&o.Audit.Log, "audit", "", "log the container's sensitive syscalls as JSON lines to FILE (seccomp notify; see the README, Learning with it)")
	fs.Func("audit-syscalls", "comma-separated syscalls --audit logs (default: "+strings.Join(audit.DefaultSyscalls, ",")+")", func(s string) (err error) {
		o.Audit.Syscalls, err = container.ParseSyscallList(s)
		return err
	})
}

func runCreate(g container.Global, args []string) (int, error) {
	fs := newFlags("create")
	var o container.CreateOptions
	createFlags(fs, &o)
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	id, err := oneID(fs)
	if err != nil {
		return 1, err
	}
	o.ID = id
	return 0, container.Create(g, o)
}
