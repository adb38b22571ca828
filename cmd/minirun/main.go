// Command minirun is an OCI container runtime with runc's command line.
//
// The Go runtime's cgroup-aware GOMAXPROCS is off: it keeps the process's
// cgroup cpu files open for good, and in `minirun init` those would be host
// files held by the container's init (and it saves reading them per start).
//
//go:debug containermaxprocs=0
//go:debug updatemaxprocs=0
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"

	"github.com/minirun/minirun/pkg/container"
	"github.com/minirun/minirun/pkg/initproc"
	"github.com/minirun/minirun/pkg/logs"
	_ "github.com/minirun/minirun/pkg/namespaces/nsenter" // the pre-Go namespace bootstrap
	"github.com/minirun/minirun/pkg/protocol"
)

// version is set at build time.
var version = "0.1.0-dev"

func init() {
	// Because credentials, capabilities, seccomp and LSM labels are
	// per-thread, `minirun init` does everything on the main thread.
	runtime.LockOSThread()
}

// command is one subcommand: it parses its flags, calls one library
// function and returns the exit status.
type command struct {
	usage string
	run   func(g container.Global, args []string) (int, error)
}

var commands = map[string]command{}

func register(name string, c command) { commands[name] = c }

func main() {
	if len(os.Args) > 1 && os.Args[1] == "init" {
		// The parent reports init's failures; without a parent there is nobody else.
		if err := initproc.Main(); err != nil && os.Getenv(protocol.BootstrapEnv) == "" {
			fmt.Fprintln(os.Stderr, "minirun init:", err)
		}
		os.Exit(1)
	}
	if err := container.RecordInheritedFds(); err != nil {
		fmt.Fprintln(os.Stderr, "minirun: list inherited fds:", err)
		os.Exit(1)
	}
	if err := markInheritedCloseOnExec(); err != nil {
		fmt.Fprintln(os.Stderr, "minirun:", err)
		os.Exit(1)
	}
	container.Version = version
	os.Exit(realMain(os.Args[1:]))
}

func realMain(args []string) int {
	fs := flag.NewFlagSet("minirun", flag.ContinueOnError)
	g := container.Global{}
	fs.StringVar(&g.Root, "root", defaultRoot(), "directory for container state (tmpfs recommended; default $XDG_RUNTIME_DIR/minirun for a non-root user)")
	logPath := fs.String("log", "", "log file (default stderr)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	debug := fs.Bool("debug", false, "enable debug logging")
	fs.BoolVar(&g.SystemdCgroup, "systemd-cgroup", false, "cgroupsPath is slice:prefix:name (mapped to cgroupfs)")
	fs.String("criu", "", "ignored (no checkpoint support)")
	rootless := fs.String("rootless", "auto", "run as an unprivileged user: true, false or auto (when not root, or in a user namespace whose root is not the host's)")
	showVersion := fs.Bool("version", false, "print the version")
	fs.BoolVar(showVersion, "v", false, "print the version")
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fs.Visit(func(f *flag.Flag) { rootSet = rootSet || f.Name == "root" })
	var err error
	if g.Rootless, err = parseRootless(*rootless); err != nil {
		fmt.Fprintln(os.Stderr, "minirun:", err)
		return 2
	}
	if *showVersion {
		fmt.Printf("minirun version %s\nspec: 1.3.0\n", version)
		return 0
	}
	if err := logs.Setup(*logPath, *logFormat, *debug); err != nil {
		fmt.Fprintln(os.Stderr, "minirun:", err)
		return 1
	}
	rest := fs.Args()
	if len(rest) == 0 {
		usage(fs)
		return 2
	}
	cmd, ok := commands[rest[0]]
	if !ok {
		return fail(fmt.Errorf("unknown command %q (see minirun --help)", rest[0]))
	}
	code, err := cmd.run(g, rest[1:])
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		var ce codedError
		if errors.As(err, &ce) {
			fail(ce.err)
			return ce.code
		}
		return fail(err)
	}
	return code
}

// rootSet is whether --root was given: runc's list treats a missing
// default root as "no containers" but a missing --root as an error.
var rootSet bool

// codedError is a failure with an exit status other than 1 (exec's 255).
type codedError struct {
	code int
	err  error
}

func (c codedError) Error() string { return c.err.Error() }
func (c codedError) Unwrap() error { return c.err }

func exitCode(code int, err error) error { return codedError{code, err} }

// fail reports err in the log (containerd reads the last error line of a
// --log file) and as one plain line on stderr, and returns exit status 1.
func fail(err error) int {
	if logs.ToFile() || logs.JSON() {
		logs.Errorf("%v", err)
	}
	if logs.ToFile() || !logs.JSON() {
		fmt.Fprintln(os.Stderr, "minirun:", err)
	}
	return 1
}

func usage(fs *flag.FlagSet) {
	fmt.Fprintln(os.Stderr, "usage: minirun [global flags] COMMAND [flags] [args]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-9s %s\n", n, commands[n].usage)
	}
	fmt.Fprintln(os.Stderr, "\nglobal flags:")
	fs.PrintDefaults()
}

// newFlags makes a subcommand's flag set; errors go back to the caller.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	// `minirun COMMAND --help` says what the command does before its flags.
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: minirun [global flags] %s [flags] [args]\n\n%s\n\nflags:\n", name, commands[name].usage)
		fs.PrintDefaults()
	}
	return fs
}

// oneID checks that exactly one container id was given.
func oneID(fs *flag.FlagSet) (string, error) {
	if fs.NArg() != 1 {
		return "", fmt.Errorf("%s: exactly one container id is required, got %d arguments", fs.Name(), fs.NArg())
	}
	return fs.Arg(0), nil
}
