// Command probe runs inside test containers and prints, as one JSON object,
// what the process sees: ids, capabilities, no_new_privs, seccomp mode,
// namespaces, cgroup, hostname, cwd, env, rlimits and umask. Built static.
package main

import (
	"bufio"
	"encoding/json"
	"github.com/minirun/minirun/integration/probe/report"
	"os"
	"strings"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "int80" {
		int80Mode()
	}
	if len(os.Args) > 2 && os.Args[1] == "sdnotify" {
		sdNotifyMode(os.Args[2])
	}
	r := report.Report{UID: os.Getuid(), GID: os.Getgid(), Status: map[string]string{}, Namespaces: map[string]string{}}
	r.Groups, _ = os.Getgroups()
	if f, err := os.Open("/proc/self/status"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			if ok && (strings.HasPrefix(k, "Cap") || k == "NoNewPrivs" || k == "Seccomp") {
				r.Status[k] = strings.TrimSpace(v)
			}
		}
		f.Close()
	}
	for _, ns := range []string{"cgroup", "ipc", "mnt", "net", "pid", "user", "uts", "time"} {
		r.Namespaces[ns], _ = os.Readlink("/proc/self/ns/" + ns)
	}
	b, _ := os.ReadFile("/proc/self/cgroup")
	r.Cgroup = string(b)
	r.Hostname, _ = os.Hostname()
	r.Cwd, _ = os.Getwd()
	r.Env = os.Environ()
	var lim syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	r.NofileSoft, r.NofileHard = lim.Cur, lim.Max
	r.Umask = syscall.Umask(0)
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		for _, e := range ents {
			target, _ := os.Readlink("/proc/self/fd/" + e.Name())
			r.OpenFds = append(r.OpenFds, e.Name()+" -> "+target)
		}
	}
	r.ThreadsAgree, r.Threads = threadsAgree()
	json.NewEncoder(os.Stdout).Encode(r)
}

func securityLines(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unreadable"
	}
	var keep []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "Cap") || strings.HasPrefix(l, "NoNewPrivs") || strings.HasPrefix(l, "Seccomp") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func threadsAgree() (bool, int) {
	tasks, _ := os.ReadDir("/proc/self/task")
	first := ""
	for i, t := range tasks {
		s := securityLines("/proc/self/task/" + t.Name() + "/status")
		if i == 0 {
			first = s
		} else if s != first {
			return false, len(tasks)
		}
	}
	return len(tasks) > 0, len(tasks)
}
