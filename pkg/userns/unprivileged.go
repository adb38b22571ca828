package userns

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Unprivileged plans how a caller without CAP_SETUID gets the maps of a
// new user namespace written (user_namespaces(7), "Defining user and
// group ID mappings"): a map of one line holding only the caller's own
// effective id may be written by a process of the same euid, the gid one
// only after setgroups is denied; anything else needs the setuid helpers
// newuidmap/newgidmap, which check /etc/subuid and /etc/subgid. Root
// keeps writing every map itself, as before.
func Unprivileged(uids, gids []specs.LinuxIDMapping) (setgroupsDeny, parentMaps bool) {
	if os.Geteuid() == 0 {
		return false, false
	}
	selfUID, selfGID := isSelf(uids, os.Geteuid()), isSelf(gids, os.Getegid())
	if selfUID && selfGID {
		return true, false
	}
	return false, true
}

func isSelf(maps []specs.LinuxIDMapping, id int) bool {
	return len(maps) == 1 && maps[0].Size == 1 && int(maps[0].HostID) == id
}

// WriteMaps writes the maps of pid's new user namespace from the caller:
// a self map directly, anything else with the helper.
func WriteMaps(pid int, uids, gids []specs.LinuxIDMapping) error {
	if isSelf(uids, os.Geteuid()) {
		if err := writeProc(pid, "uid_map", uids); err != nil {
			return err
		}
	} else if err := helper("newuidmap", "/etc/subuid", pid, uids); err != nil {
		return err
	}
	if isSelf(gids, os.Getegid()) {
		// The kernel takes an unprivileged gid map only after setgroups is
		// denied, so no process can drop a group it was given to bypass a
		// deny rule (CVE-2014-8989).
		if err := os.WriteFile(fmt.Sprintf("/proc/%d/setgroups", pid), []byte("deny"), 0); err != nil {
			return fmt.Errorf("deny setgroups: %w", err)
		}
		return writeProc(pid, "gid_map", gids)
	}
	return helper("newgidmap", "/etc/subgid", pid, gids)
}

func writeProc(pid int, file string, maps []specs.LinuxIDMapping) error {
	var b strings.Builder
	for _, m := range maps {
		fmt.Fprintf(&b, "%d %d %d\n", m.ContainerID, m.HostID, m.Size)
	}
	path := fmt.Sprintf("/proc/%d/%s", pid, file)
	if err := os.WriteFile(path, []byte(b.String()), 0); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// helper runs newuidmap or newgidmap for pid. They grant only what the
// administrator listed for the caller, so no map can hold more than that.
func helper(name, file string, pid int, maps []specs.LinuxIDMapping) error {
	field := "linux.uidMappings"
	if name == "newgidmap" {
		field = "linux.gidMappings"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return fmt.Errorf("%s: mapping more than your own id needs %s (Debian package uidmap) and your ranges in %s: %w", field, name, file, err)
	}
	args := []string{strconv.Itoa(pid)}
	for _, m := range maps {
		args = append(args, fmt.Sprint(m.ContainerID), fmt.Sprint(m.HostID), fmt.Sprint(m.Size))
	}
	out, err := exec.Command(path, args...).CombinedOutput()
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return fmt.Errorf("%s: run %s: %w", field, path, err)
		}
		return fmt.Errorf("%s: %s %s refused (are these ranges listed for %s in %s?): %s: %w",
			field, name, strings.Join(args, " "), callerName(), file, strings.TrimSpace(string(out)), err)
	}
	return nil
}

func callerName() string {
	if u, err := user.LookupId(strconv.Itoa(os.Geteuid())); err == nil {
		return u.Username
	}
	return "uid " + strconv.Itoa(os.Geteuid())
}
