// Package cgroups owns the container's control groups on v1, v2 and hybrid
// hosts: where they live, creating them, placing processes, writing
// linux.resources, freezing, reading stats, and removing only what minirun
// created. Every function takes the cgroupfs root, so tests use a temp tree.
package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Layout is the host's cgroup hierarchies: v1 hierarchy name ("cpu,cpuacct")
// to its mount point, plus the unified (v2) mount if any.
type Layout struct {
	V1      map[string]string `json:"v1,omitempty"`
	Unified string            `json:"unified,omitempty"`
}

// IsV2 reports a pure cgroup v2 host.
func (l Layout) IsV2() bool { return len(l.V1) == 0 && l.Unified != "" }

// State is what a container's cgroup record holds between commands.
type State struct {
	Layout  Layout            `json:"layout"`
	Path    string            `json:"path"`    // absolute path inside each hierarchy
	Created map[string]string `json:"created"` // hierarchy ("" = unified) -> topmost dir minirun created
	// Hybrid host whose config needs what only the unified mount has.
	HybridUnified bool `json:"hybridUnified,omitempty"`
}

// Dirs returns every hierarchy's directory for the container.
func (s *State) Dirs() map[string]string {
	dirs := map[string]string{}
	for name, mnt := range s.Layout.V1 {
		dirs[name] = filepath.Join(mnt, s.Path)
	}
	// On a hybrid host the container gets a directory on the unified mount
	// only when it needs what lives only there (a hugetlb controller no v1
	// hierarchy binds): joining it costs an RCU grace period per start.
	if s.Layout.Unified != "" && (s.Layout.IsV2() || s.HybridUnified) {
		dirs[""] = filepath.Join(s.Layout.Unified, s.Path)
	}
	return dirs
}

// v1Dir returns the directory of the hierarchy holding controller.
func (s *State) v1Dir(controller string) (string, bool) {
	for name, mnt := range s.Layout.V1 {
		for _, c := range strings.Split(name, ",") {
			if c == controller {
				return filepath.Join(mnt, s.Path), true
			}
		}
	}
	return "", false
}

// Create makes the container's directories, recording which ones minirun
// made, so Destroy never removes a cgroup it did not create.
func Create(l Layout, path string, r *specs.LinuxResources) (*State, error) {
	return create(l, path, r, enableControllers)
}

func create(l Layout, path string, r *specs.LinuxResources, enable func(root, path string) error) (*State, error) {
	s := &State{Layout: l, Path: path, Created: map[string]string{}}
	_, v1Hugetlb := s.v1Dir("hugetlb")
	s.HybridUnified = !l.IsV2() && l.Unified != "" && r != nil && len(r.HugepageLimits) > 0 && !v1Hugetlb
	for name, dir := range s.Dirs() {
		mnt := l.Unified
		if name != "" {
			mnt = l.V1[name]
		}
		top, err := mkdirTracked(mnt, dir)
		if err != nil {
			s.Destroy()
			return nil, fmt.Errorf("create cgroup %s: %w", dir, err)
		}
		if top != "" {
			s.Created[name] = top
		}
		if v1HasController(name, "cpuset") {
			if err := initCpuset(mnt, dir); err != nil {
				s.Destroy()
				return nil, fmt.Errorf("initialise cpuset %s: %w", dir, err)
			}
		}
	}
	if err := s.checkUsable(); err != nil {
		s.Destroy()
		return nil, err
	}
	if l.IsV2() {
		if err := enable(l.Unified, path); err != nil {
			s.Destroy()
			return nil, err
		}
	}
	return s, nil
}

// afterMkdir lets tests play the kernel, which fills a new cgroup
// directory with its interface files.
var afterMkdir = func(dir string) {}

func mkdirTracked(mnt, dir string) (string, error) {
	rel, err := filepath.Rel(mnt, dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("%s is outside %s", dir, mnt)
	}
	top := ""
	cur := mnt
	for _, part := range strings.Split(rel, "/") {
		if part == "" || part == "." {
			continue
		}
		cur = filepath.Join(cur, part)
		err := os.Mkdir(cur, 0o755)
		if err == nil {
			afterMkdir(cur)
		}
		if err == nil && top == "" {
			top = cur
		} else if err != nil && !errors.Is(err, os.ErrExist) {
			return top, err
		}
	}
	return top, nil
}

// A cgroup whose last task just exited may still read as busy for a moment.
func rmdirRetry(dir string) error {
	var err error
	for i := 0; i < 50; i++ {
		if err = os.Remove(dir); err == nil || !errors.Is(err, errBusy) {
			return err
		}
		time.Sleep(time.Millisecond * time.Duration(1+i/5))
	}
	return err
}

func writeFile(dir, file, value string) error {
	f, err := os.OpenFile(filepath.Join(dir, file), os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(value)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %q to %s: %w", value, file, err)
	}
	return nil
}

func readFile(dir, file string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, file))
	return strings.TrimSpace(string(b)), err
}

// Validate checks cgroupsPath shape and resource values that need no kernel.
func Validate(s *specs.Spec, systemd bool) error {
	if s.Linux == nil {
		return nil
	}
	p := s.Linux.CgroupsPath
	if systemd && p != "" {
		if _, err := expandSystemd(p); err != nil {
			return fmt.Errorf("linux.cgroupsPath: %w", err)
		}
	} else if strings.Contains(p, "..") {
		return fmt.Errorf("linux.cgroupsPath: %q must not contain \"..\"", p)
	}
	return validateResources(s.Linux.Resources)
}
