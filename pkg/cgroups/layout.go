package cgroups

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

var errBusy = unix.EBUSY

// Detect reads the host's cgroup mounts from /proc/self/mountinfo and keeps
// only those whose filesystem magic is really cgroupfs.
func Detect() (Layout, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return Layout{}, fmt.Errorf("read mountinfo: %w", err)
	}
	defer f.Close()
	l, err := parseMountinfo(f)
	if err != nil {
		return l, err
	}
	for name, mnt := range l.V1 {
		if !isFS(mnt, unix.CGROUP_SUPER_MAGIC) {
			delete(l.V1, name)
		}
	}
	if l.Unified != "" && !isFS(l.Unified, unix.CGROUP2_SUPER_MAGIC) {
		l.Unified = ""
	}
	if len(l.V1) == 0 && l.Unified == "" {
		return l, fmt.Errorf("no cgroup hierarchy is mounted")
	}
	return l, nil
}

func isFS(path string, magic int64) bool {
	var st unix.Statfs_t
	return unix.Statfs(path, &st) == nil && int64(st.Type) == magic
}

// parseMountinfo finds cgroup mounts whose root is the hierarchy root (a
// bind of a sub-cgroup is no place to create containers).
func parseMountinfo(r io.Reader) (Layout, error) {
	l := Layout{V1: map[string]string{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		sep := -1
		for i, f := range fields {
			if f == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || len(fields) < sep+4 || fields[3] != "/" {
			continue
		}
		mnt, fstype, super := unescape(fields[4]), fields[sep+1], fields[sep+3]
		switch fstype {
		case "cgroup2":
			if l.Unified == "" {
				l.Unified = mnt
			}
		case "cgroup":
			name := v1Name(super)
			if _, ok := l.V1[name]; name != "" && !ok {
				l.V1[name] = mnt
			}
		}
	}
	return l, sc.Err()
}

// v1Name keeps the controller (and name=) options of a v1 mount.
func v1Name(superOpts string) string {
	var ctrls []string
	for _, o := range strings.Split(superOpts, ",") {
		switch {
		case o == "rw" || o == "ro" || strings.HasPrefix(o, "release_agent") || o == "clone_children" ||
			o == "noprefix" || o == "xattr" || o == "cpuset_v2_mode" || o == "nsdelegate" || o == "favordynmods":
		default:
			ctrls = append(ctrls, o)
		}
	}
	return strings.Join(ctrls, ",")
}

func unescape(s string) string {
	r := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)
	return r.Replace(s)
}

// OwnPath returns the calling process's cgroup path in a hierarchy, from
// /proc/self/cgroup ("" for unified).
func OwnPath(hierarchy string) (string, error) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) == 3 && parts[1] == hierarchy {
			return filepath.Clean(parts[2]), nil
		}
	}
	return "/", nil
}
