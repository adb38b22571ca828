package rootfs

import (
	"fmt"
	"os"
	"runtime"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// idmapped reports whether a mount asks for an idmapped mount.
func idmapped(m specs.Mount) bool {
	if m.UIDMappings != nil || m.GIDMappings != nil {
		return true
	}
	o := parseOptions(m.Options)
	return o.idmap || o.ridmap
}

// validateIdmap: an idmapped mount is a bind with both maps. Without a
// user namespace the init makes it; with one the init cannot (mount_setattr
// needs CAP_SYS_ADMIN over the source's filesystem), so the runtime makes
// the idmapped tree outside and hands it over (OpenSources).
func validateIdmap(s *specs.Spec, i int, m specs.Mount) error {
	if !idmapped(m) {
		return nil
	}
	field := fmt.Sprintf("mounts[%d]", i)
	switch {
	case !isBind(m):
		return fmt.Errorf("%s: idmapped mounts are only supported for bind mounts", field)
	case len(m.UIDMappings) == 0 || len(m.GIDMappings) == 0:
		return fmt.Errorf("%s.uidMappings: an idmapped mount needs both uidMappings and gidMappings", field)
	}
	for name, maps := range map[string][]specs.LinuxIDMapping{"uidMappings": m.UIDMappings, "gidMappings": m.GIDMappings} {
		for j, mp := range maps {
			if mp.Size == 0 || uint64(mp.ContainerID)+uint64(mp.Size) > 1<<32 || uint64(mp.HostID)+uint64(mp.Size) > 1<<32 {
				return fmt.Errorf("%s.%s[%d]: size must be positive and the ranges within 32 bits", field, name, j)
			}
		}
	}
	return nil
}

// bindIdmapped clones the source's tree (open_tree(2)), idmaps it with a
// user namespace holding the mount's maps, and attaches it on target:
// the kernel only idmaps detached mounts.
func bindIdmapped(m specs.Mount, o mountOpts, target int) error {
	tree, err := idmappedTree(m, o)
	if err != nil {
		return err
	}
	defer unix.Close(tree)
	if err := unix.MoveMount(tree, "", target, "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return fmt.Errorf("attach idmapped %s: move_mount: %w", m.Source, err)
	}
	return nil
}

// idmappedTree returns a detached clone of the source's tree, idmapped
// with a user namespace holding the mount's maps.
func idmappedTree(m specs.Mount, o mountOpts) (int, error) {
	userns, err := mappedUserNamespace(m.UIDMappings, m.GIDMappings)
	if err != nil {
		return -1, err
	}
	defer unix.Close(userns)
	flags := uint(unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC)
	if o.flags&unix.MS_REC != 0 {
		flags |= unix.AT_RECURSIVE
	}
	tree, err := unix.OpenTree(unix.AT_FDCWD, m.Source, flags)
	if err != nil {
		return -1, fmt.Errorf("open_tree %s: %w", m.Source, err)
	}
	at := unix.AT_EMPTY_PATH
	if o.ridmap {
		at |= unix.AT_RECURSIVE
	}
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_IDMAP, Userns_fd: uint64(userns)}
	if err := unix.MountSetattr(tree, "", uint(at), &attr); err != nil {
		unix.Close(tree)
		return -1, fmt.Errorf("idmap %s: mount_setattr: %w", m.Source, err)
	}
	return tree, nil
}

// mappedUserNamespace returns an fd of a new user namespace with the maps.
// A child is made in it that stops at its execve (PTRACE_TRACEME), so no
// program runs there. Its maps are written, and its namespace taken (by
// pidfd), through a procfs of the init's own pid namespace: the init's
// /proc is the host's, whose pids are not the init's, so Go's own map
// writing would miss the child.
func mappedUserNamespace(uids, gids []specs.LinuxIDMapping) (int, error) {
	// Because the tracer is the thread that forked (ptrace(2)).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	p, err := os.StartProcess("/proc/self/exe", []string{"minirun-idmap"}, &os.ProcAttr{Sys: &syscall.SysProcAttr{
		Cloneflags: unix.CLONE_NEWUSER, Ptrace: true, Pdeathsig: unix.SIGKILL,
	}})
	if err != nil {
		return -1, fmt.Errorf("make user namespace for an idmapped mount: %w", err)
	}
	defer func() { p.Kill(); p.Wait() }()
	if err := writeMaps(p.Pid, uids, gids); err != nil {
		return -1, err
	}
	pidfd, err := unix.PidfdOpen(p.Pid, 0)
	if err != nil {
		return -1, fmt.Errorf("pidfd of the idmap helper: %w", err)
	}
	defer unix.Close(pidfd)
	fd, err := unix.IoctlRetInt(pidfd, unix.PIDFD_GET_USER_NAMESPACE)
	if err != nil {
		return -1, fmt.Errorf("user namespace of the idmap helper: %w", err)
	}
	unix.CloseOnExec(fd)
	return fd, nil
}

func writeMaps(pid int, uids, gids []specs.LinuxIDMapping) error {
	proc, err := ownProc()
	if err != nil {
		return err
	}
	defer unix.Close(proc)
	for file, maps := range map[string][]specs.LinuxIDMapping{"uid_map": uids, "gid_map": gids} {
		var text []byte
		for _, m := range maps {
			text = fmt.Appendf(text, "%d %d %d\n", m.ContainerID, m.HostID, m.Size)
		}
		name := fmt.Sprintf("%d/%s", pid, file)
		fd, err := unix.Openat(proc, name, unix.O_WRONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
		if err == nil {
			_, err = unix.Write(fd, text)
			unix.Close(fd)
		}
		if err != nil {
			return fmt.Errorf("idmapped mount: write %s: %w", file, err)
		}
	}
	return nil
}

// ownProc mounts a detached procfs of the caller's pid namespace.
func ownProc() (int, error) {
	fsfd, err := unix.Fsopen("proc", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return -1, fmt.Errorf("fsopen proc: %w", err)
	}
	defer unix.Close(fsfd)
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return -1, fmt.Errorf("create procfs: %w", err)
	}
	mfd, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOEXEC)
	if err != nil {
		return -1, fmt.Errorf("mount procfs: %w", err)
	}
	return mfd, nil
}
