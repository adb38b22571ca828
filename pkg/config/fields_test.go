package config

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// handled are the spec's fields minirun applies (or, for the Linux
// runtime, validates and applies as the spec says), each path exact: a
// field added to the spec fails TestEveryFieldIsHandledOrRefused until it
// is placed here or in refused.
var handled = []string{
	"ociVersion",
	"process", "process.terminal", "process.consoleSize", "process.consoleSize.height", "process.consoleSize.width",
	"process.user", "process.user.uid", "process.user.gid", "process.user.umask", "process.user.additionalGids",
	"process.args", "process.env", "process.cwd",
	"process.capabilities", "process.capabilities.bounding", "process.capabilities.effective",
	"process.capabilities.inheritable", "process.capabilities.permitted", "process.capabilities.ambient",
	"process.rlimits", "process.rlimits.type", "process.rlimits.hard", "process.rlimits.soft",
	"process.noNewPrivileges", "process.apparmorProfile", "process.oomScoreAdj", "process.selinuxLabel",
	"root", "root.path", "root.readonly", "hostname", "domainname",
	"mounts", "mounts.destination", "mounts.type", "mounts.source", "mounts.options",
	"mounts.uidMappings", "mounts.uidMappings.containerID", "mounts.uidMappings.hostID", "mounts.uidMappings.size",
	"mounts.gidMappings", "mounts.gidMappings.containerID", "mounts.gidMappings.hostID", "mounts.gidMappings.size",
	"hooks", "annotations",
	"linux", "linux.uidMappings", "linux.uidMappings.containerID", "linux.uidMappings.hostID", "linux.uidMappings.size",
	"linux.gidMappings", "linux.gidMappings.containerID", "linux.gidMappings.hostID", "linux.gidMappings.size",
	"linux.sysctl", "linux.resources",
	"linux.resources.devices", "linux.resources.devices.allow", "linux.resources.devices.type",
	"linux.resources.devices.major", "linux.resources.devices.minor", "linux.resources.devices.access",
	"linux.resources.memory", "linux.resources.memory.limit", "linux.resources.memory.reservation",
	"linux.resources.memory.swap", "linux.resources.memory.kernel", "linux.resources.memory.kernelTCP",
	"linux.resources.memory.swappiness", "linux.resources.memory.disableOOMKiller",
	"linux.resources.cpu", "linux.resources.cpu.shares", "linux.resources.cpu.quota", "linux.resources.cpu.burst",
	"linux.resources.cpu.period", "linux.resources.cpu.realtimeRuntime", "linux.resources.cpu.realtimePeriod",
	"linux.resources.cpu.cpus", "linux.resources.cpu.mems", "linux.resources.cpu.idle",
	"linux.resources.pids", "linux.resources.pids.limit",
	"linux.resources.blockIO", "linux.resources.blockIO.weight", "linux.resources.blockIO.leafWeight",
	"linux.resources.hugepageLimits", "linux.resources.hugepageLimits.pageSize", "linux.resources.hugepageLimits.limit",
	"linux.resources.network", "linux.resources.network.classID", "linux.resources.network.priorities",
	"linux.resources.network.priorities.name", "linux.resources.network.priorities.priority",
	"linux.resources.unified", "linux.cgroupsPath",
	"linux.namespaces", "linux.namespaces.type", "linux.namespaces.path",
	"linux.devices", "linux.devices.path", "linux.devices.type", "linux.devices.major", "linux.devices.minor",
	"linux.devices.fileMode", "linux.devices.uid", "linux.devices.gid",
	"linux.seccomp", "linux.seccomp.defaultAction", "linux.seccomp.defaultErrnoRet", "linux.seccomp.architectures",
	"linux.seccomp.flags", "linux.seccomp.listenerPath", "linux.seccomp.listenerMetadata", "linux.seccomp.syscalls",
	"linux.seccomp.syscalls.names", "linux.seccomp.syscalls.action", "linux.seccomp.syscalls.errnoRet",
	"linux.seccomp.syscalls.args", "linux.seccomp.syscalls.args.index", "linux.seccomp.syscalls.args.value",
	"linux.seccomp.syscalls.args.valueTwo", "linux.seccomp.syscalls.args.op",
	"linux.rootfsPropagation", "linux.maskedPaths", "linux.readonlyPaths", "linux.mountLabel",
	"linux.timeOffsets", "linux.timeOffsets.secs", "linux.timeOffsets.nanosecs",
	"process.scheduler", "process.scheduler.policy", "process.scheduler.nice", "process.scheduler.priority",
	"process.scheduler.flags", "process.scheduler.runtime", "process.scheduler.deadline", "process.scheduler.period",
	"process.ioPriority", "process.ioPriority.class", "process.ioPriority.priority",
	"process.execCPUAffinity", "process.execCPUAffinity.initial", "process.execCPUAffinity.final",
	"linux.personality", "linux.personality.domain", "linux.personality.flags",
	"linux.memoryPolicy", "linux.memoryPolicy.mode", "linux.memoryPolicy.nodes", "linux.memoryPolicy.flags",
	"linux.netDevices", "linux.netDevices.name",
}

// handledPrefixes are subtrees applied as a whole by one owner: the
// hooks (every hook field is run by pkg/hooks) and the block I/O device
// lists (pkg/cgroups writes each entry).
var handledPrefixes = []string{
	"hooks.", "linux.resources.blockIO.weightDevice", "linux.resources.blockIO.throttle",
}

// refused are the fields (with their subtrees) validation refuses, each
// with a config fragment that sets it: TestRefusedFieldsAreRefused checks
// that each fragment is refused with an error naming the field.
var refused = []struct{ path, set string }{
	{"process.user.username", `{"process":{"user":{"username":"root"}}}`},
	{"process.commandLine", `{"process":{"commandLine":"sh"}}`},
	{"linux.intelRdt", `{"linux":{"intelRdt":{"closID":"c1"}}}`},
	{"linux.resources.rdma", `{"linux":{"resources":{"rdma":{"mlx5_1":{"hcaHandles":3}}}}}`},
	{"linux.resources.memory.useHierarchy", `{"linux":{"resources":{"memory":{"useHierarchy":false}}}}`},
	{"linux.resources.memory.checkBeforeUpdate", `{"linux":{"resources":{"memory":{"checkBeforeUpdate":true}}}}`},
	{"solaris", `{"solaris":{"milestone":"x"}}`},
	{"windows", `{"windows":{"layerFolders":["c:\\x"]}}`},
	{"vm", `{"vm":{"kernel":{"path":"/vmlinuz"}}}`},
	{"zos", `{"zos":{"namespaces":[{"type":"pid"}]}}`},
	{"freebsd", `{"freebsd":{"jail":{"parent":"x"}}}`},
}

// specPaths lists every field path of t, JSON names joined by dots;
// slices, maps and pointers add no component, embedded structs are inline.
func specPaths(t reflect.Type, prefix string, out *[]string) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			specPaths(f.Type, prefix, out)
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		p := name
		if prefix != "" {
			p = prefix + "." + name
		}
		*out = append(*out, p)
		specPaths(f.Type, p, out)
	}
}

func TestEveryFieldIsHandledOrRefused(t *testing.T) {
	var paths []string
	specPaths(reflect.TypeOf(specs.Spec{}), "", &paths)
	if len(paths) < 200 {
		t.Fatalf("walked only %d paths: the walker is broken", len(paths))
	}
	known := map[string]bool{}
	for _, p := range handled {
		known[p] = true
	}
	covered := func(p string) bool {
		if known[p] {
			return true
		}
		for _, r := range refused {
			if p == r.path || strings.HasPrefix(p, r.path+".") {
				return true
			}
		}
		for _, h := range handledPrefixes {
			if strings.HasPrefix(p, h) {
				return true
			}
		}
		return false
	}
	seen := map[string]bool{}
	for _, p := range paths {
		seen[p] = true
		if !covered(p) {
			t.Errorf("spec field %s is neither handled nor refused: apply it, or refuse it in fields.go", p)
		}
	}
	for _, p := range handled {
		if !seen[p] {
			t.Errorf("handled lists %s, which is not a spec field", p)
		}
	}
	for _, r := range refused {
		if !seen[r.path] {
			t.Errorf("refused lists %s, which is not a spec field", r.path)
		}
	}
}

var indexRE = regexp.MustCompile(`\[[^]]*\]`)

func TestRefusedFieldsAreRefused(t *testing.T) {
	for _, r := range refused {
		s := validSpec()
		if err := json.Unmarshal([]byte(r.set), s); err != nil {
			t.Fatalf("%s: fragment: %v", r.path, err)
		}
		err := Validate(s, Options{SysRoot: t.TempDir()})
		if err == nil {
			t.Errorf("%s: set and accepted", r.path)
			continue
		}
		if msg := indexRE.ReplaceAllString(err.Error(), ""); !strings.HasPrefix(msg, r.path+":") {
			t.Errorf("%s: error does not start with the field: %v", r.path, err)
		}
	}
}

func TestHostFeatureNamedWhenMissing(t *testing.T) {
	cases := map[string]string{
		`{"linux":{"intelRdt":{"closID":"c1"}}}`:                       "no resctrl filesystem",
		`{"linux":{"resources":{"rdma":{"mlx5_1":{"hcaHandles":3}}}}}`: "no rdma cgroup controller",
	}
	for set, want := range cases {
		s := validSpec()
		must(t, json.Unmarshal([]byte(set), s))
		if err := Validate(s, Options{SysRoot: t.TempDir()}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want %q, got %v", set, want, err)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
