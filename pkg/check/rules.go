package check

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

var rules = []rule{
	{"MR101", High, "root in the container is root on the host", noUserNamespace},
	{"MR102", High, "shares a namespace with the host", hostNamespaces},
	{"MR201", High, "holds a capability that reaches the host kernel", privilegedCaps},
	{"MR202", Low, "holds capabilities beyond Docker's default set", extraCaps},
	{"MR203", Medium, "setuid binaries can gain privileges (noNewPrivileges is false)", newPrivileges},
	{"MR301", High, "no seccomp filter", noSeccomp},
	{"MR302", Medium, "the seccomp profile allows every syscall it does not name", seccompAllowDefault},
	{"MR401", Medium, "no pids limit", noPidsLimit},
	{"MR402", Medium, "no memory limit", noMemoryLimit},
	{"MR501", Low, "the root filesystem is writable", writableRoot},
	{"MR502", Critical, "binds a sensitive host path into the container", sensitiveBinds},
	{"MR503", Medium, "a kernel file Docker hides is visible", missingMasks},
	{"MR504", High, "every device is allowed in the devices cgroup", allDevices},
	{"MR601", High, "asks for an LSM this host does not have", lsmMissing},
}

func nsType(s *specs.Spec, t specs.LinuxNamespaceType) (specs.LinuxNamespace, bool) {
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == t {
			return ns, true
		}
	}
	return specs.LinuxNamespace{}, false
}

func noUserNamespace(s *specs.Spec, _ Host) []hit {
	if _, ok := nsType(s, specs.UserNamespace); !ok {
		if s.Process.User.UID == 0 {
			return []hit{{"linux.namespaces", "no user namespace and the process runs as uid 0: a breakout is a host root shell"}}
		}
		return nil
	}
	for _, m := range s.Linux.UIDMappings {
		if m.HostID == 0 && m.ContainerID <= s.Process.User.UID && s.Process.User.UID < m.ContainerID+m.Size {
			return []hit{{"linux.uidMappings", fmt.Sprintf("the process's uid %d maps to host uid 0", s.Process.User.UID)}}
		}
	}
	return nil
}

func hostNamespaces(s *specs.Spec, _ Host) []hit {
	why := map[specs.LinuxNamespaceType]string{
		specs.PIDNamespace:     "sees and can signal every host process",
		specs.NetworkNamespace: "uses the host's network stack and its listening sockets",
		specs.IPCNamespace:     "shares the host's System V IPC and POSIX queues",
		specs.UTSNamespace:     "can change the host's hostname",
		specs.MountNamespace:   "lives in the host's mount table: only a chroot, which CAP_SYS_CHROOT leaves",
	}
	var out []hit
	for _, t := range []specs.LinuxNamespaceType{specs.MountNamespace, specs.PIDNamespace, specs.NetworkNamespace, specs.IPCNamespace, specs.UTSNamespace} {
		if _, ok := nsType(s, t); !ok {
			out = append(out, hit{"linux.namespaces", fmt.Sprintf("no %s namespace: %s", t, why[t])})
		}
	}
	return out
}

// dangerousCaps reach past the container: each reason says how.
var dangerousCaps = map[string]string{
	"CAP_SYS_ADMIN":       "mount, namespaces, bpf, and most of the kernel's administrative calls",
	"CAP_SYS_MODULE":      "loads kernel modules",
	"CAP_SYS_RAWIO":       "raw I/O ports and /dev/mem",
	"CAP_SYS_PTRACE":      "traces any process it can see",
	"CAP_SYS_BOOT":        "reboots the host (without a pid namespace) and loads kexec kernels",
	"CAP_DAC_READ_SEARCH": "opens host files by handle (open_by_handle_at, the 'shocker' escape)",
	"CAP_NET_ADMIN":       "reconfigures the network stack it is in",
	"CAP_SYS_TIME":        "sets the host's clock",
	"CAP_MAC_ADMIN":       "changes LSM policy",
	"CAP_MAC_OVERRIDE":    "overrides LSM policy",
	"CAP_BPF":             "loads BPF programs",
	"CAP_PERFMON":         "reads kernel performance data",
	"CAP_SYSLOG":          "reads the kernel log and kernel addresses",
	"CAP_SYS_RESOURCE":    "exceeds resource limits",
	"CAP_LINUX_IMMUTABLE": "changes immutable and append-only flags",
}

// dockerDefault is Docker's default capability set.
var dockerDefault = map[string]bool{
	"CAP_CHOWN": true, "CAP_DAC_OVERRIDE": true, "CAP_FSETID": true, "CAP_FOWNER": true, "CAP_MKNOD": true,
	"CAP_NET_RAW": true, "CAP_SETGID": true, "CAP_SETUID": true, "CAP_SETFCAP": true, "CAP_SETPCAP": true,
	"CAP_NET_BIND_SERVICE": true, "CAP_SYS_CHROOT": true, "CAP_KILL": true, "CAP_AUDIT_WRITE": true,
}

// heldCaps is every capability the process can have: any set, as the
// bounding set caps what a setuid or file-capability binary may gain.
func heldCaps(s *specs.Spec) []string {
	c := s.Process.Capabilities
	if c == nil {
		return nil
	}
	seen := map[string]bool{}
	for _, set := range [][]string{c.Bounding, c.Effective, c.Permitted, c.Inheritable, c.Ambient} {
		for _, n := range set {
			seen[strings.ToUpper(n)] = true
		}
	}
	var out []string
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func privilegedCaps(s *specs.Spec, _ Host) []hit {
	var out []hit
	for _, n := range heldCaps(s) {
		if why, ok := dangerousCaps[n]; ok {
			out = append(out, hit{"process.capabilities", n + ": " + why})
		}
	}
	return out
}

func extraCaps(s *specs.Spec, _ Host) []hit {
	var extra []string
	for _, n := range heldCaps(s) {
		if _, dangerous := dangerousCaps[n]; !dangerous && !dockerDefault[n] {
			extra = append(extra, n)
		}
	}
	if len(extra) == 0 {
		return nil
	}
	return []hit{{"process.capabilities", "beyond Docker's default: " + strings.Join(extra, ", ")}}
}

func newPrivileges(s *specs.Spec, _ Host) []hit {
	if s.Process.NoNewPrivileges {
		return nil
	}
	return []hit{{"process.noNewPrivileges", "false: a setuid or file-capability binary in the image can raise privileges"}}
}

func noSeccomp(s *specs.Spec, _ Host) []hit {
	if s.Linux.Seccomp != nil {
		return nil
	}
	return []hit{{"linux.seccomp", "absent: every syscall the kernel has is reachable (keyctl, add_key, unshare, mount, ...)"}}
}

func seccompAllowDefault(s *specs.Spec, _ Host) []hit {
	sc := s.Linux.Seccomp
	if sc == nil || (sc.DefaultAction != specs.ActAllow && sc.DefaultAction != specs.ActLog) {
		return nil
	}
	return []hit{{"linux.seccomp.defaultAction", fmt.Sprintf("%s: a deny list misses every syscall added after it was written", sc.DefaultAction)}}
}

func noPidsLimit(s *specs.Spec, _ Host) []hit {
	if r := s.Linux.Resources; r != nil && r.Pids != nil && r.Pids.Limit != nil && *r.Pids.Limit > 0 {
		return nil
	}
	return []hit{{"linux.resources.pids.limit", "unset: a fork bomb can exhaust the host's process table"}}
}

func noMemoryLimit(s *specs.Spec, _ Host) []hit {
	if r := s.Linux.Resources; r != nil && r.Memory != nil && r.Memory.Limit != nil && *r.Memory.Limit > 0 {
		return nil
	}
	return []hit{{"linux.resources.memory.limit", "unset: the container can push the host into its OOM killer"}}
}

func writableRoot(s *specs.Spec, _ Host) []hit {
	if s.Root.Readonly {
		return nil
	}
	return []hit{{"root.readonly", "false: a compromised process can change the image's binaries"}}
}

// sensitivePaths are host paths whose bind gives the host away.
var sensitivePaths = map[string]string{
	"/":                               "the whole host filesystem",
	"/etc":                            "host configuration, passwords and sudoers",
	"/proc":                           "the host's procfs, unmasked",
	"/sys":                            "the host's sysfs, unmasked",
	"/dev":                            "every host device",
	"/boot":                           "the host's kernels and boot loader",
	"/root":                           "root's home directory",
	"/var/run/docker.sock":            "the Docker API: root on the host",
	"/run/docker.sock":                "the Docker API: root on the host",
	"/run/containerd/containerd.sock": "the containerd API: root on the host",
	"/var/run/crio/crio.sock":         "the CRI-O API: root on the host",
	"/var/lib/kubelet":                "kubelet's state and pod secrets",
}

func sensitiveBinds(s *specs.Spec, _ Host) []hit {
	var out []hit
	for i, m := range s.Mounts {
		bind := m.Type == "bind"
		for _, o := range m.Options {
			bind = bind || o == "bind" || o == "rbind"
		}
		if !bind {
			continue
		}
		src := filepath.Clean(m.Source)
		if why, ok := sensitivePaths[src]; ok {
			out = append(out, hit{fmt.Sprintf("mounts[%d].source", i), fmt.Sprintf("%s at %s: %s", src, m.Destination, why)})
		}
	}
	return out
}

// dockerMasks are paths Docker masks or makes read-only by default.
var dockerMasks = []string{"/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug", "/sys/firmware", "/proc/sysrq-trigger", "/proc/sys"}

func missingMasks(s *specs.Spec, _ Host) []hit {
	have := map[string]bool{}
	for _, p := range append(append([]string{}, s.Linux.MaskedPaths...), s.Linux.ReadonlyPaths...) {
		have[filepath.Clean(p)] = true
	}
	var missing []string
	for _, p := range dockerMasks {
		if !have[p] {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return []hit{{"linux.maskedPaths", "neither masked nor read-only: " + strings.Join(missing, ", ")}}
}

func allDevices(s *specs.Spec, _ Host) []hit {
	r := s.Linux.Resources
	if r == nil {
		return nil
	}
	for i, d := range r.Devices {
		if d.Allow && (d.Type == "" || d.Type == "a") && d.Major == nil && d.Minor == nil && strings.Contains(d.Access, "w") {
			return []hit{{fmt.Sprintf("linux.resources.devices[%d]", i), "allows read and write of every device node the container can make (mknod /dev/sda)"}}
		}
	}
	return nil
}

func lsmMissing(s *specs.Spec, h Host) []hit {
	var out []hit
	if s.Process.ApparmorProfile != "" && !h.AppArmor {
		out = append(out, hit{"process.apparmorProfile", fmt.Sprintf("%q, but this host has no AppArmor: minirun refuses to run it", s.Process.ApparmorProfile)})
	}
	if s.Process.SelinuxLabel != "" && !h.SELinux {
		out = append(out, hit{"process.selinuxLabel", fmt.Sprintf("%q, but this host has no SELinux: the label is not applied", s.Process.SelinuxLabel)})
	}
	return out
}
