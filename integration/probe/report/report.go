// Package report is what the probe prints and the tests read.
package report

// Report is what a process sees from inside a container.
type Report struct {
	UID, GID   int
	Groups     []int
	Status     map[string]string // Cap*, NoNewPrivs, Seccomp lines of /proc/self/status
	Namespaces map[string]string
	Cgroup     string
	Hostname   string
	Cwd        string
	Env        []string
	NofileSoft uint64
	NofileHard uint64
	Umask      int
	OpenFds    []string
	// ThreadsAgree: every thread shows the same Cap*, NoNewPrivs and Seccomp lines.
	ThreadsAgree bool
	Threads      int
}
