// Package explain reads, from the host side, what isolation a running
// process really has — namespaces, id maps, capabilities, no_new_privs,
// seccomp, LSM label, cgroup limits, masks, rlimits — and sets it next to
// what the config asked for, flagging weak points in plain words. It reads
// kernel state (a proc root and a cgroup root passed in, so tests use fake
// trees), never the config alone.
package explain

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Roots are where the kernel's views are mounted ("/proc", "/sys/fs/cgroup").
type Roots struct{ Proc, Cgroup string }

// Namespace is one namespace of the process beside the host's (pid 1's,
// or the runtime's own where pid 1's cannot be read).
type Namespace struct {
	Type   string `json:"type"`
	Inode  string `json:"inode"`
	Host   bool   `json:"sharedWithHost"`
	Config string `json:"config"` // "new", "joined PATH" or "not listed"
}

// Report is what explain prints.
type Report struct {
	ID           string              `json:"id"`
	Pid          int                 `json:"pid"`
	Namespaces   []Namespace         `json:"namespaces"`
	UIDMap       []string            `json:"uidMap"`
	GIDMap       []string            `json:"gidMap"`
	RootOnHost   string              `json:"rootOnHost"`
	Capabilities map[string][]string `json:"capabilities"`
	NoNewPrivs   bool                `json:"noNewPrivs"`
	Seccomp      Seccomp             `json:"seccomp"`
	LSM          string              `json:"lsm"`
	Cgroup       map[string]string   `json:"cgroup"`
	Masked       []string            `json:"masked"`
	Readonly     []string            `json:"readonly"`
	Rlimits      map[string]string   `json:"rlimits"`
	Weak         []string            `json:"weakPoints"`
}

// Seccomp is the filter state from /proc/PID/status and the saved profile.
type Seccomp struct {
	Mode          string   `json:"mode"`
	Filters       int      `json:"filters"`
	DefaultAction string   `json:"defaultAction,omitempty"`
	Denied        []string `json:"denied,omitempty"`
	// DeniedByDefault: under a deny-by-default profile (an allow list, as
	// Docker's), the sensitive syscalls that no allow rule names.
	DeniedByDefault []string `json:"deniedByDefault,omitempty"`
}

var nsTypes = []struct {
	spec specs.LinuxNamespaceType
	proc string
}{
	{specs.MountNamespace, "mnt"}, {specs.PIDNamespace, "pid"}, {specs.NetworkNamespace, "net"},
	{specs.IPCNamespace, "ipc"}, {specs.UTSNamespace, "uts"}, {specs.UserNamespace, "user"},
	{specs.CgroupNamespace, "cgroup"}, {specs.TimeNamespace, "time"},
}

// Explain builds the report for pid; cfg is the config the container was
// created with (nil if unknown).
func Explain(r Roots, id string, pid int, cfg *specs.Spec) (*Report, error) {
	proc := filepath.Join(r.Proc, strconv.Itoa(pid))
	status, err := readStatus(filepath.Join(proc, "status"))
	if err != nil {
		return nil, fmt.Errorf("read process %d: %w", pid, err)
	}
	rep := &Report{ID: id, Pid: pid, Capabilities: map[string][]string{}, Cgroup: map[string]string{}, Rlimits: map[string]string{}}
	rep.readNamespaces(r.Proc, proc, cfg)
	rep.UIDMap, rep.GIDMap = readLines(filepath.Join(proc, "uid_map")), readLines(filepath.Join(proc, "gid_map"))
	rep.RootOnHost = rootOnHost(rep.UIDMap)
	for _, set := range []string{"Bnd", "Eff", "Prm", "Inh", "Amb"} {
		rep.Capabilities[setNames[set]] = decodeCaps(status["Cap"+set])
	}
	rep.NoNewPrivs = status["NoNewPrivs"] == "1"
	rep.Seccomp = Seccomp{Mode: seccompModes[status["Seccomp"]]}
	rep.Seccomp.Filters, _ = strconv.Atoi(status["Seccomp_filters"])
	if cfg != nil && cfg.Linux != nil && cfg.Linux.Seccomp != nil {
		rep.Seccomp.DefaultAction = string(cfg.Linux.Seccomp.DefaultAction)
		rep.Seccomp.Denied = deniedSyscalls(cfg.Linux.Seccomp)
		rep.Seccomp.DeniedByDefault = sensitiveNotAllowed(cfg.Linux.Seccomp)
	}
	if b, err := os.ReadFile(filepath.Join(proc, "attr/current")); err == nil {
		rep.LSM = strings.TrimRight(string(b), "\x00\n")
	}
	rep.readCgroup(r.Cgroup, filepath.Join(proc, "cgroup"))
	rep.readMounts(filepath.Join(proc, "mountinfo"), cfg)
	rep.readLimits(filepath.Join(proc, "limits"))
	rep.Weak = weakPoints(rep)
	return rep, nil
}

var setNames = map[string]string{"Bnd": "bounding", "Eff": "effective", "Prm": "permitted", "Inh": "inheritable", "Amb": "ambient"}

var seccompModes = map[string]string{"0": "disabled", "1": "strict", "2": "filter"}

func readStatus(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok {
			out[k] = strings.TrimSpace(v)
		}
	}
	return out, sc.Err()
}

func readLines(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// rootOnHost is the host uid that the container's uid 0 is.
func rootOnHost(uidMap []string) string {
	for _, l := range uidMap {
		var inside, outside, size uint64
		if n, _ := fmt.Sscan(l, &inside, &outside, &size); n == 3 && inside == 0 && size > 0 {
			return strconv.FormatUint(outside, 10)
		}
	}
	return "unmapped"
}

func decodeCaps(hex string) []string {
	mask, err := strconv.ParseUint(hex, 16, 64)
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range capability.ListKnown() {
		if mask&(1<<uint(c)) != 0 {
			out = append(out, "CAP_"+strings.ToUpper(c.String()))
		}
	}
	return out
}

func (rep *Report) readNamespaces(procRoot, proc string, cfg *specs.Spec) {
	host := filepath.Join(procRoot, "1", "ns")
	for _, t := range nsTypes {
		mine, err := os.Readlink(filepath.Join(proc, "ns", t.proc))
		if err != nil {
			continue
		}
		theirs, err := os.Readlink(filepath.Join(host, t.proc))
		if err != nil {
			// pid 1 may be out of reach (a sandbox's init): the runtime's own
			// namespaces are the host's as far as the container is concerned.
			theirs, _ = os.Readlink(filepath.Join(procRoot, "self", "ns", t.proc))
		}
		rep.Namespaces = append(rep.Namespaces, Namespace{Type: string(t.spec), Inode: mine, Host: mine == theirs, Config: asked(cfg, t.spec)})
	}
}

func asked(cfg *specs.Spec, t specs.LinuxNamespaceType) string {
	if cfg == nil || cfg.Linux == nil {
		return "unknown"
	}
	for _, ns := range cfg.Linux.Namespaces {
		if ns.Type == t {
			if ns.Path != "" {
				return "joined " + ns.Path
			}
			return "new"
		}
	}
	return "not listed (the runtime's)"
}

// sensitive are the syscalls a reader of an allow list wants to know about:
// those Docker's default profile keeps from containers and the audit set.
var sensitive = []string{
	"add_key", "bpf", "clock_settime", "delete_module", "finit_module", "init_module", "kexec_file_load",
	"kexec_load", "keyctl", "mount", "move_mount", "open_by_handle_at", "open_tree", "perf_event_open",
	"personality", "pivot_root", "process_vm_readv", "process_vm_writev", "ptrace", "reboot",
	"request_key", "setns", "swapoff", "swapon", "umount2", "unshare", "userfaultfd",
}

// sensitiveNotAllowed lists, for a profile whose default is to deny, the
// sensitive syscalls no allowing rule names (with or without conditions).
func sensitiveNotAllowed(sc *specs.LinuxSeccomp) []string {
	if sc.DefaultAction == specs.ActAllow || sc.DefaultAction == specs.ActLog {
		return nil
	}
	allowed := map[string]bool{}
	for _, r := range sc.Syscalls {
		if r.Action == specs.ActAllow || r.Action == specs.ActLog {
			for _, n := range r.Names {
				allowed[n] = true
			}
		}
	}
	var out []string
	for _, n := range sensitive {
		if !allowed[n] {
			out = append(out, n)
		}
	}
	return out
}

func deniedSyscalls(sc *specs.LinuxSeccomp) []string {
	var out []string
	for _, r := range sc.Syscalls {
		if r.Action != specs.ActAllow && r.Action != specs.ActLog && len(r.Args) == 0 {
			out = append(out, r.Names...)
		}
	}
	sort.Strings(out)
	return out
}
