package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// A rootless caller owns no cgroup unless one was delegated to it (a
// directory chowned to the user: systemd's user@.service on v2, or an
// administrator's chown). As runc, minirun then places the container only
// in the hierarchies it may write, runs it in none when the config asks
// for no resources, and refuses a config whose resources would have
// nowhere to go, naming the cgroup and why.

// CreateRootless is Create for an unprivileged caller.
func CreateRootless(l Layout, path string, r *specs.LinuxResources) (*State, error) {
	probe := &State{Layout: l, Path: path}
	usable := Layout{V1: map[string]string{}}
	denied := map[string]error{} // hierarchy ("" = unified) -> why not
	for name, dir := range probe.Dirs() {
		mnt := l.Unified
		if name != "" {
			mnt = l.V1[name]
		}
		if err := writableBelow(mnt, dir); err != nil {
			denied[name] = err
			continue
		}
		if name == "" {
			usable.Unified = l.Unified
		} else {
			usable.V1[name] = mnt
		}
	}
	if !l.IsV2() && len(usable.V1) == 0 {
		usable.Unified = "" // a hybrid host's unified mount alone is not a v2 host
	}
	if len(usable.V1) == 0 {
		usable.V1 = nil
	}
	if err := checkPlaced(l, probe, denied, r); err != nil {
		return nil, err
	}
	return create(usable, path, r, enableDelegated)
}

// enableDelegated is enableControllers for a delegated v2 subtree: the
// ancestors above it belong to root and are left as their owner set them
// (what they enabled is what the subtree can have); in those the user
// owns, each enables what it was offered, so the container's directory
// gets every controller the delegation passed down.
func enableDelegated(root, path string) error {
	cur := root
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		ctl := filepath.Join(cur, "cgroup.subtree_control")
		if unix.Access(ctl, unix.W_OK) == nil {
			avail, err := readFile(cur, "cgroup.controllers")
			if err != nil {
				return fmt.Errorf("read %s/cgroup.controllers: %w", cur, err)
			}
			var enable []string
			for _, c := range strings.Fields(avail) {
				enable = append(enable, "+"+c)
			}
			if len(enable) > 0 {
				if err := writeFile(cur, "cgroup.subtree_control", strings.Join(enable, " ")); err != nil {
					return fmt.Errorf("enable controllers in delegated %s: %w", cur, err)
				}
			}
		}
		cur = filepath.Join(cur, part)
	}
	return nil
}

// RootlessResources drops what an unprivileged caller cannot set: device
// rules (devices.allow/deny and a v2 device program need CAP_SYS_ADMIN or
// CAP_BPF in the initial user namespace; a user namespace cannot create
// device nodes anyway). The host's root with --rootless=true keeps them:
// it can write them, and dropping them would only weaken its container.
func RootlessResources(r *specs.LinuxResources) *specs.LinuxResources {
	if r == nil || hostRoot() {
		return r
	}
	c := *r
	c.Devices = nil
	return &c
}

// hostRoot reports euid 0 in the initial user namespace, whose map is the
// identity (user_namespaces(7)). pkg/userns has the same test; feature
// packages do not import each other, and it is one line.
func hostRoot() bool {
	if os.Geteuid() != 0 {
		return false
	}
	m, err := os.ReadFile("/proc/self/uid_map")
	return err == nil && strings.Join(strings.Fields(string(m)), " ") == "0 0 4294967295"
}

// writableBelow reports whether the caller may create dir: the deepest
// existing directory on the way must be writable (or dir exists and is).
func writableBelow(mnt, dir string) error {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			if err := unix.Access(d, unix.W_OK); err != nil {
				return fmt.Errorf("%s is not writable by uid %d: %w", d, os.Geteuid(), err)
			}
			return nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if d == mnt || d == "/" {
			return fmt.Errorf("%s does not exist", mnt)
		}
	}
}

// checkPlaced fails when a resource needs a hierarchy the caller cannot write.
func checkPlaced(l Layout, probe *State, denied map[string]error, r *specs.LinuxResources) error {
	for _, need := range neededControllers(r) {
		name, ok := hierarchyFor(l, need.ctrl)
		if !ok {
			continue // not mounted: Set reports it as for root
		}
		if err, no := denied[name]; no {
			dir := probe.Dirs()[name]
			return fmt.Errorf("linux.resources.%s: rootless container cannot create cgroup %s (%v); set linux.cgroupsPath to a cgroup delegated to (owned by) the user, or remove linux.resources.%s",
				need.field, dir, err, need.field)
		}
	}
	return nil
}

func hierarchyFor(l Layout, ctrl string) (string, bool) {
	if l.IsV2() {
		return "", true
	}
	for name := range l.V1 {
		if v1HasController(name, ctrl) {
			return name, true
		}
	}
	if ctrl == "hugetlb" && l.Unified != "" {
		return "", true
	}
	return "", false
}

type need struct{ field, ctrl string }

// neededControllers lists the controllers r writes to, by config field.
func neededControllers(r *specs.LinuxResources) []need {
	if r == nil {
		return nil
	}
	var out []need
	add := func(set bool, field, ctrl string) {
		if set {
			out = append(out, need{field, ctrl})
		}
	}
	// A present but empty struct asks for nothing (update sends those).
	add(r.Pids != nil && *r.Pids != (specs.LinuxPids{}), "pids", "pids")
	add(r.Memory != nil && *r.Memory != (specs.LinuxMemory{}), "memory", "memory")
	if c := r.CPU; c != nil {
		add(c.Shares != nil || c.Quota != nil || c.Period != nil || c.RealtimePeriod != nil ||
			c.RealtimeRuntime != nil || c.Burst != nil || c.Idle != nil, "cpu", "cpu")
		add(c.Cpus != "" || c.Mems != "", "cpu", "cpuset")
	}
	if b := r.BlockIO; b != nil {
		add(b.Weight != nil || b.LeafWeight != nil || len(b.WeightDevice) > 0 || len(b.ThrottleReadBpsDevice) > 0 ||
			len(b.ThrottleWriteBpsDevice) > 0 || len(b.ThrottleReadIOPSDevice) > 0 || len(b.ThrottleWriteIOPSDevice) > 0, "blockIO", "blkio")
	}
	add(len(r.HugepageLimits) > 0, "hugepageLimits", "hugetlb")
	if n := r.Network; n != nil {
		add(n.ClassID != nil, "network", "net_cls")
		add(len(n.Priorities) > 0, "network", "net_prio")
	}
	add(len(r.Rdma) > 0, "rdma", "rdma")
	add(len(r.Unified) > 0, "unified", "unified")
	sort.SliceStable(out, func(i, j int) bool { return out[i].field < out[j].field })
	return out
}

// InNone reports a container placed in no cgroup (rootless, nothing
// writable): processes must then be found some other way.
func (s *State) InNone() bool { return s != nil && len(s.Dirs()) == 0 }

// CanFreeze reports whether the container has a freezer: a rootless one
// lacks it when the user may not write that hierarchy.
func (s *State) CanFreeze() bool {
	if s == nil || s.InNone() {
		return false
	}
	_, ok := s.v1Dir("freezer")
	return s.Layout.IsV2() || ok
}

// CheckPlaced fails when r needs a controller the container has no
// cgroup in: for a rootless container, one the user could not write at
// create. Without it the write would fail as if the controller were not
// mounted at all.
func (s *State) CheckPlaced(r *specs.LinuxResources) error {
	for _, need := range neededControllers(r) {
		if _, ok := hierarchyFor(s.Layout, need.ctrl); !ok || s.InNone() {
			return fmt.Errorf("linux.resources.%s: the container is in no %s cgroup (a rootless container is placed only in cgroups the user may write; delegate one and set linux.cgroupsPath)", need.field, need.ctrl)
		}
	}
	return nil
}
