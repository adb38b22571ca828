package explain

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// cgroupFiles are the limits and usage explain shows, per v1 controller
// and under their v2 names.
var cgroupFiles = []struct{ ctrl, v1, v2, label string }{
	{"pids", "pids.max", "pids.max", "pids.max"},
	{"pids", "pids.current", "pids.current", "pids.current"},
	{"memory", "memory.limit_in_bytes", "memory.max", "memory.limit"},
	{"memory", "memory.usage_in_bytes", "memory.current", "memory.usage"},
	{"cpu", "cpu.cfs_quota_us", "cpu.max", "cpu.quota"},
}

func (rep *Report) readCgroup(root, cgroupFile string) {
	_, err := os.Stat(filepath.Join(root, "cgroup.controllers"))
	v2 := err == nil
	paths := map[string]string{}
	for _, l := range readLines(cgroupFile) {
		parts := strings.SplitN(l, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			paths[""] = parts[2]
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			paths[c] = parts[2]
		}
	}
	for _, f := range cgroupFiles {
		var file string
		if v2 {
			p, ok := paths[""]
			if !ok {
				continue
			}
			file = filepath.Join(root, p, f.v2)
			rep.Cgroup["path"] = p
		} else {
			p, ok := paths[f.ctrl]
			if !ok {
				continue
			}
			file = filepath.Join(root, f.ctrl, p, f.v1)
			rep.Cgroup["path"] = p
		}
		if b, err := os.ReadFile(file); err == nil {
			rep.Cgroup[f.label] = strings.TrimSpace(string(b))
		}
	}
}

// readMounts finds the config's masked and read-only paths among the
// process's mounts, as the kernel reports them.
func (rep *Report) readMounts(mountinfo string, cfg *specs.Spec) {
	points := map[string]string{} // mount point -> "fstype opts"
	for _, l := range readLines(mountinfo) {
		pre, post, ok := strings.Cut(l, " - ")
		f, after := strings.Fields(pre), strings.Fields(post)
		if !ok || len(f) < 6 || len(after) < 1 {
			continue
		}
		points[f[4]] = after[0] + " " + f[5]
	}
	if cfg == nil || cfg.Linux == nil {
		return
	}
	for _, p := range cfg.Linux.MaskedPaths {
		if m, ok := points[p]; ok {
			rep.Masked = append(rep.Masked, p+" ("+strings.Fields(m)[0]+")")
		}
	}
	for _, p := range cfg.Linux.ReadonlyPaths {
		if m, ok := points[p]; ok && strings.HasPrefix(strings.Fields(m)[1], "ro") {
			rep.Readonly = append(rep.Readonly, p)
		}
	}
}

var limitNames = map[string]string{"Max processes": "nproc", "Max open files": "nofile", "Max address space": "as", "Max core file size": "core"}

func (rep *Report) readLimits(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		for prefix, name := range limitNames {
			if strings.HasPrefix(line, prefix) {
				if fs := strings.Fields(line[len(prefix):]); len(fs) >= 2 {
					rep.Rlimits[name] = fs[0] + " soft, " + fs[1] + " hard"
				}
			}
		}
	}
}

var reachingCaps = map[string]string{
	"CAP_SYS_ADMIN": "mount, bpf and most administrative calls", "CAP_SYS_MODULE": "kernel modules",
	"CAP_SYS_PTRACE": "tracing processes", "CAP_DAC_READ_SEARCH": "opening host files by handle",
	"CAP_SYS_RAWIO": "raw I/O",
}

func weakPoints(rep *Report) []string {
	var out []string
	if rep.RootOnHost == "0" {
		out = append(out, "runs as host root: no user namespace maps root elsewhere")
	}
	for _, ns := range rep.Namespaces {
		switch ns.Type {
		case string(specs.UserNamespace), string(specs.CgroupNamespace), string(specs.TimeNamespace):
		default:
			if ns.Host {
				out = append(out, fmt.Sprintf("shares the host's %s namespace", ns.Type))
			}
		}
	}
	for _, c := range rep.Capabilities["effective"] {
		if why, ok := reachingCaps[c]; ok {
			out = append(out, fmt.Sprintf("%s in the effective set (%s)", c, why))
		}
	}
	if !rep.NoNewPrivs {
		out = append(out, "no_new_privs is off: setuid binaries can raise privileges")
	}
	if rep.Seccomp.Mode != "filter" {
		out = append(out, "no seccomp filter: every syscall is reachable")
	}
	if v, ok := rep.Cgroup["pids.max"]; !ok || v == "max" {
		out = append(out, "no pids limit: a fork bomb can exhaust the host")
	}
	if v, ok := rep.Cgroup["memory.limit"]; !ok || v == "max" || v == "9223372036854771712" {
		out = append(out, "no memory limit: the container can drive the host into its OOM killer")
	}
	return out
}

// WriteText prints the report for a person.
func (rep *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "container %s, init pid %d\n\nnamespaces (compared with pid 1's):\n", rep.ID, rep.Pid)
	for _, ns := range rep.Namespaces {
		where := "own"
		if ns.Host {
			where = "HOST's"
		}
		fmt.Fprintf(w, "  %-8s %-7s %-22s config: %s\n", ns.Type, where, ns.Inode, ns.Config)
	}
	fmt.Fprintf(w, "\nuser ids: uid_map %q, gid_map %q; root inside is host uid %s\n", rep.UIDMap, rep.GIDMap, rep.RootOnHost)
	fmt.Fprintln(w, "\ncapabilities:")
	for _, set := range []string{"bounding", "effective", "permitted", "inheritable", "ambient"} {
		fmt.Fprintf(w, "  %-11s %s\n", set, strings.Join(rep.Capabilities[set], " "))
	}
	fmt.Fprintf(w, "\nno_new_privs: %v\nseccomp: %s, %d filter(s)", rep.NoNewPrivs, rep.Seccomp.Mode, rep.Seccomp.Filters)
	if rep.Seccomp.DefaultAction != "" {
		fmt.Fprintf(w, ", default %s, %d syscalls denied by name", rep.Seccomp.DefaultAction, len(rep.Seccomp.Denied))
	}
	if d := rep.Seccomp.DeniedByDefault; len(d) > 0 {
		fmt.Fprintf(w, "\n  not allowed, so denied by default: %s", strings.Join(d, " "))
	}
	fmt.Fprintf(w, "\nLSM label: %s\n\ncgroup %s:\n", orNone(rep.LSM), rep.Cgroup["path"])
	for _, f := range cgroupFiles {
		if v, ok := rep.Cgroup[f.label]; ok {
			fmt.Fprintf(w, "  %-13s %s\n", f.label, v)
		}
	}
	fmt.Fprintf(w, "\nmasked: %s\nread-only: %s\n", orNone(strings.Join(rep.Masked, ", ")), orNone(strings.Join(rep.Readonly, ", ")))
	fmt.Fprintln(w, "rlimits:")
	for _, n := range []string{"nofile", "nproc", "as", "core"} {
		if v, ok := rep.Rlimits[n]; ok {
			fmt.Fprintf(w, "  %-6s %s\n", n, v)
		}
	}
	fmt.Fprintln(w, "\nweak points:")
	if len(rep.Weak) == 0 {
		fmt.Fprintln(w, "  none found")
	}
	for _, s := range rep.Weak {
		fmt.Fprintln(w, "  - "+s)
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
