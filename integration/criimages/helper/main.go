// Command helper is the one static program inside the CRI test images that
// need more than busybox. It is multi-call, chosen by the name it runs as:
//
//	pause         the pod sandbox process: waits for SIGINT/SIGTERM, reaps zombies
//	nnp           prints "Effective uid: N" (installed setuid root, so the
//	              number shows whether no_new_privs stopped the escalation)
//	ipcs          "ipcs -m" from /proc/sysvipc/shm, and
//	pgrep         "pgrep PATTERN" over /proc/*/comm: applets critest runs
//	              that Debian's busybox-static lacks
//	anything else a web server named after itself (nginx, httpd): writes
//	              /var/run/NAME.pid, logs "NAME: listening on :PORT" and serves
//	              "Welcome to NAME!" on $WEB_PORT (default 80); as nginx it
//	              first re-executes itself as "nginx: master process ARGS",
//	              the command line critest looks for in /proc/1/cmdline
package main

import (
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	name := strings.TrimSuffix(filepath.Base(os.Args[0]), "-foreground")
	if strings.HasPrefix(os.Args[0], "nginx: master process") {
		name = "nginx"
	}
	switch name {
	case "pause":
		pause()
	case "nnp":
		fmt.Printf("Effective uid: %d\n", os.Geteuid())
	case "pgrep":
		if len(os.Args) != 2 {
			fmt.Fprintln(os.Stderr, "usage: pgrep PATTERN")
			os.Exit(2)
		}
		os.Exit(pgrep(os.Args[1]))
	case "ipcs":
		if err := ipcs(); err != nil {
			fmt.Fprintf(os.Stderr, "ipcs: %v\n", err)
			os.Exit(1)
		}
	case "nginx":
		if !strings.HasPrefix(os.Args[0], "nginx: master process") {
			// The binary's own path keeps the command name "nginx" for pidof.
			exe, err := os.Executable()
			if err == nil {
				title := []string{"nginx: master process " + strings.Join(os.Args, " ")}
				err = syscall.Exec(exe, title, os.Environ())
			}
			fmt.Fprintf(os.Stderr, "nginx: re-exec: %v\n", err)
			os.Exit(1)
		}
		fallthrough
	default:
		if err := serve(name); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			os.Exit(1)
		}
	}
}

// pause waits for a stop signal and reaps children, as the pause container
// does for a pod that shares its pid namespace.
func pause() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range sigs {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}

// pgrep prints the pids whose command name matches pattern; exit 1 if none.
func pgrep(pattern string) int {
	re, err := regexp.Compile(pattern)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgrep: %v\n", err)
		return 2
	}
	comms, _ := filepath.Glob("/proc/[0-9]*/comm")
	rc := 1
	for _, c := range comms {
		b, err := os.ReadFile(c)
		if err != nil || !re.MatchString(strings.TrimSpace(string(b))) {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(c)))
		if pid != os.Getpid() {
			fmt.Println(pid)
			rc = 0
		}
	}
	return rc
}

// ipcs prints the shared memory segments of the caller's IPC namespace in
// util-linux's layout (key shmid owner perms bytes nattch).
func ipcs() error {
	b, err := os.ReadFile("/proc/sysvipc/shm")
	if err != nil {
		return err
	}
	fmt.Println("\n------ Shared Memory Segments --------")
	fmt.Printf("%-10s %-10s %-10s %-10s %-10s %-10s\n", "key", "shmid", "owner", "perms", "bytes", "nattch")
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for _, l := range lines[1:] {
		// key shmid perms size cpid lpid nattch uid ...
		f := strings.Fields(l)
		if len(f) < 8 {
			continue
		}
		var key int64
		fmt.Sscan(f[0], &key)
		fmt.Printf("0x%08x %-10s %-10s %-10s %-10s %-10s\n", uint32(key), f[1], f[7], f[2], f[3], f[6])
	}
	fmt.Println()
	return nil
}

func serve(name string) error {
	port := os.Getenv("WEB_PORT")
	if port == "" {
		port = "80"
	}
	pidfile := "/var/run/" + name + ".pid"
	if err := os.WriteFile(pidfile, []byte(fmt.Sprintf("%d\n", os.Getpid())), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", pidfile, err)
	}
	fmt.Fprintf(os.Stderr, "%s: listening on :%s\n", name, port)
	page := "<html><body><h1>Welcome to " + name + "!</h1></body></html>\n"
	return http.ListenAndServe(":"+port, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, page)
	}))
}
