package cgroups

import (
	"fmt"
	"path/filepath"
	"strings"
)

// ResolvePath turns linux.cgroupsPath into the path used in every
// hierarchy: absolute as given; relative under the runtime's own cgroup (as
// runc); "slice:prefix:name" (systemd form) expanded when systemd is set.
// Empty is runc's default: the container's id, relative (the fs driver's
// Name), or system.slice:runc:<id> (the systemd driver's ScopePrefix), so
// tools that look for runc's cgroup find it.
func ResolvePath(cgroupsPath, id string, systemd bool, l Layout) (string, error) {
	if systemd {
		if cgroupsPath == "" {
			cgroupsPath = "system.slice:runc:" + id
		}
		return expandSystemd(cgroupsPath)
	}
	if cgroupsPath == "" {
		cgroupsPath = id
	}
	if strings.HasPrefix(cgroupsPath, "/") {
		return filepath.Clean(cgroupsPath), nil
	}
	hier := ""
	if !l.IsV2() {
		for name := range l.V1 {
			if strings.Contains(name, "pids") || hier == "" {
				hier = name
			}
		}
	}
	own, err := OwnPath(hier)
	if err != nil {
		return "", fmt.Errorf("read own cgroup: %w", err)
	}
	return filepath.Join(own, cgroupsPath), nil
}

// expandSystemd maps "slice:prefix:name" to the cgroupfs path systemd would
// use: nested slices (a-b.slice -> /a.slice/a-b.slice) and a
// "prefix-name.scope" unit, so hosts without systemd get the same layout.
func expandSystemd(p string) (string, error) {
	parts := strings.Split(p, ":")
	if len(parts) != 3 {
		return "", fmt.Errorf("systemd cgroup path %q: want slice:prefix:name", p)
	}
	slice, prefix, name := parts[0], parts[1], parts[2]
	if slice == "" {
		slice = "system.slice"
	}
	dir, err := expandSlice(slice)
	if err != nil {
		return "", err
	}
	unit := name
	if !strings.HasSuffix(name, ".slice") {
		if prefix != "" {
			unit = prefix + "-" + name
		}
		unit += ".scope"
	} else {
		sub, err := expandSlice(name)
		if err != nil {
			return "", err
		}
		return sub, nil
	}
	if strings.Contains(unit, "/") {
		return "", fmt.Errorf("systemd unit %q must not contain '/'", unit)
	}
	return filepath.Join(dir, unit), nil
}

func expandSlice(slice string) (string, error) {
	if !strings.HasSuffix(slice, ".slice") || strings.Contains(slice, "/") {
		return "", fmt.Errorf("invalid slice name %q", slice)
	}
	if slice == "-.slice" {
		return "/", nil
	}
	base := strings.TrimSuffix(slice, ".slice")
	if strings.HasPrefix(base, "-") || strings.HasSuffix(base, "-") || strings.Contains(base, "--") {
		return "", fmt.Errorf("invalid slice name %q", slice)
	}
	path, prefix := "/", ""
	for _, comp := range strings.Split(base, "-") {
		prefix += comp
		path = filepath.Join(path, prefix+".slice")
		prefix += "-"
	}
	return path, nil
}
