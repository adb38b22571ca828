package userns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/minirun/minirun/pkg/logs"
)

// checkJoined accepts mappings next to a joined user namespace only when
// they are the namespace's own. Strictly the config is invalid, but
// containerd and CRI-O send both for Kubernetes user-namespace pods, and
// runc 1.5 accepts the pair with a warning when the mappings match and
// refuses it when they do not (libcontainer/specconv setupUserNamespace).
// procRoot is /proc, or a fake tree in tests.
func checkJoined(s *specs.Spec, procRoot string) error {
	path := joinedPath(s)
	uidMap, gidMap, err := namespaceMappings(procRoot, path)
	if err != nil {
		return fmt.Errorf("linux.namespaces: read the mappings of user namespace %s: %w", path, err)
	}
	if !sameMapping(uidMap, s.Linux.UIDMappings) {
		return fmt.Errorf("linux.uidMappings: user namespaces enabled, but both namespace path and non-matching mapping specified -- you may only provide one (%s has uid_map %s)", path, format(uidMap))
	}
	if !sameMapping(gidMap, s.Linux.GIDMappings) {
		return fmt.Errorf("linux.gidMappings: user namespaces enabled, but both namespace path and non-matching mapping specified -- you may only provide one (%s has gid_map %s)", path, format(gidMap))
	}
	logs.Warnf("config.json has both a userns path to join and a matching userns mapping specified -- you may only provide one")
	return nil
}

func joinedPath(s *specs.Spec) string {
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == specs.UserNamespace {
			return ns.Path
		}
	}
	return ""
}

// namespaceMappings reads the uid_map and gid_map of a process in the
// user namespace at path: the one the path names when it is
// /proc/<pid>/ns/user, else any process whose ns/user is the same inode
// (a bind-mounted namespace, as CRI-O pins them), or, when none is, a
// child that joins it (pinnedMappings). The maps are read from
// the host's user namespace, so they hold host ids as the config does.
func namespaceMappings(procRoot, path string) (uidMap, gidMap []specs.LinuxIDMapping, err error) {
	pid, err := pidIn(procRoot, path)
	if errors.Is(err, errNoProcess) && procRoot == "/proc" {
		return pinnedMappings(path)
	}
	if err != nil {
		return nil, nil, err
	}
	return mapsOf(filepath.Join(procRoot, strconv.Itoa(pid)))
}

// mapsOf reads the uid_map and gid_map of the process whose /proc dir is dir.
func mapsOf(dir string) (uidMap, gidMap []specs.LinuxIDMapping, err error) {
	if uidMap, err = readMap(filepath.Join(dir, "uid_map")); err != nil {
		return nil, nil, err
	}
	if gidMap, err = readMap(filepath.Join(dir, "gid_map")); err != nil {
		return nil, nil, err
	}
	return uidMap, gidMap, nil
}

var errNoProcess = errors.New("no process is in that user namespace")

func pidIn(procRoot, path string) (int, error) {
	var pid int
	var extra rune
	if n, _ := fmt.Sscanf(path, "/proc/%d/ns/user%c", &pid, &extra); n == 1 && pid > 0 {
		return pid, nil
	}
	var want unix.Stat_t
	if err := unix.Stat(path, &want); err != nil {
		return 0, fmt.Errorf("stat %s: %w", path, err)
	}
	entries, err := os.ReadDir(procRoot)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", procRoot, err)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 {
			continue
		}
		var st unix.Stat_t
		if unix.Stat(filepath.Join(procRoot, e.Name(), "ns", "user"), &st) == nil && st.Dev == want.Dev && st.Ino == want.Ino {
			return pid, nil
		}
	}
	return 0, errNoProcess
}

// readMap parses a uid_map or gid_map: lines of "inside outside count"
// (user_namespaces(7)).
func readMap(path string) ([]specs.LinuxIDMapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var maps []specs.LinuxIDMapping
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		var v [3]uint64
		if len(f) != 3 {
			return nil, fmt.Errorf("%s line %d: %q is not \"inside outside count\"", path, i+1, line)
		}
		for j := range v {
			if v[j], err = strconv.ParseUint(f[j], 10, 32); err != nil {
				return nil, fmt.Errorf("%s line %d: %w", path, i+1, err)
			}
		}
		maps = append(maps, specs.LinuxIDMapping{ContainerID: uint32(v[0]), HostID: uint32(v[1]), Size: uint32(v[2])})
	}
	return maps, nil
}

// sameMapping compares in order, as runc does: a reordered or split range
// counts as different.
func sameMapping(a, b []specs.LinuxIDMapping) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func format(maps []specs.LinuxIDMapping) string {
	parts := make([]string, len(maps))
	for i, m := range maps {
		parts[i] = fmt.Sprintf("%d:%d:%d", m.ContainerID, m.HostID, m.Size)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
