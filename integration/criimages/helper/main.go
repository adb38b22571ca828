// Command helper is the one static program inside the CRI test images that
// need more than busybox. It is multi-call, chosen by the name it runs as:
//
//	pause         the pod sandbox process: waits for SIGINT/SIGTERM, reaps zombies
//	nnp           prints "Effective uid: N" (installed setuid root, so the
//	              number shows whether no_new_privs stopped the escalation)
//	anything else a web server named after itself (nginx, httpd): writes
//	              /var/run/NAME.pid, logs "NAME: listening on :PORT" and serves
//	              "Welcome to NAME!" on $WEB_PORT (default 80)
package main

import (
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
)

func main() {
	name := strings.TrimSuffix(filepath.Base(os.Args[0]), "-foreground")
	switch name {
	case "pause":
		pause()
	case "nnp":
		fmt.Printf("Effective uid: %d\n", os.Geteuid())
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
