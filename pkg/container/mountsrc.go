package container

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/minirun/minirun/pkg/namespaces"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// mountSources are bind sources opened by the parent for the init: a
// container root in a user namespace cannot reach a source below a host
// directory only host root may search (a 0700 /root, a kubelet's pod dir),
// though the source itself is meant for it. runc 1.2+ does the same.
type mountSources struct {
	index []int // into spec.Mounts
	fds   []int // detached mounts (open_tree OPEN_TREE_CLONE)
}

func (m *mountSources) Close() {
	for _, fd := range m.fds {
		unix.Close(fd)
	}
	m.fds = nil
}

// openMountSources clones every bind source for a container with a new
// user namespace. It runs on a thread of its own that joins the
// container's mount namespace first: that namespace's copies of the host's
// mounts are locked (mount_namespaces(7)), and a clone of them stays
// locked, so the container cannot unmount what covers a submount or clear
// a host's read-only flag. A clone made in the host's namespace would carry
// no lock. A rootless parent has no more access than the init.
func openMountSources(pid int, s *specs.Spec, rootfs string, rootless bool) (*mountSources, error) {
	out := &mountSources{}
	if rootless || !namespaces.Has(s, specs.UserNamespace) {
		return out, nil
	}
	for i, m := range s.Mounts {
		if isBindSource(m) && len(m.UIDMappings) == 0 {
			out.index = append(out.index, i)
		}
	}
	if len(out.index) == 0 {
		return out, nil
	}
	done := make(chan error, 1)
	go func() {
		// No UnlockOSThread: the thread ends with the goroutine, so
		// nothing else ever runs in the container's mount namespace.
		runtime.LockOSThread()
		done <- out.openAll(pid, s, rootfs)
	}()
	if err := <-done; err != nil {
		out.Close()
		return nil, err
	}
	return out, nil
}

func isBindSource(m specs.Mount) bool {
	return m.Type == "bind" || slices.Contains(m.Options, "bind") || slices.Contains(m.Options, "rbind")
}

func (m *mountSources) openAll(pid int, s *specs.Spec, rootfs string) error {
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return fmt.Errorf("mount sources: unshare(CLONE_FS): %w", err)
	}
	ns, err := unix.Open(fmt.Sprintf("/proc/%d/ns/mnt", pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("mount sources: open the container's mount namespace: %w", err)
	}
	defer unix.Close(ns)
	if err := unix.Setns(ns, unix.CLONE_NEWNS); err != nil {
		return fmt.Errorf("mount sources: join the container's mount namespace: %w", err)
	}
	// The rootfs as the kernel names it, for the check on resolved paths.
	real, err := filepath.EvalSymlinks(rootfs)
	if err != nil {
		return fmt.Errorf("mount sources: %w", err)
	}
	for _, i := range m.index {
		fd, err := cloneSource(s.Mounts[i], rootfs, real)
		if err != nil {
			return fmt.Errorf("mounts[%d].source %s: %w", i, s.Mounts[i].Source, err)
		}
		m.fds = append(m.fds, fd)
	}
	return nil
}

// cloneSource opens a detached copy of the source. A source inside the
// rootfs is resolved in it (RESOLVE_IN_ROOT), so an image's symlink cannot
// lead host root to a host file; a source elsewhere may not be a path
// whose symlinks lead into the rootfs either.
func cloneSource(m specs.Mount, rootfs, realRootfs string) (int, error) {
	flags := uint(unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC | unix.AT_EMPTY_PATH)
	if slices.Contains(m.Options, "rbind") {
		flags |= unix.AT_RECURSIVE
	}
	src := filepath.Clean(m.Source)
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_NO_MAGICLINKS}
	dir, rel := unix.AT_FDCWD, src
	if inside(src, rootfs) || inside(src, realRootfs) {
		if !inside(src, rootfs) {
			rootfs = realRootfs
		}
		root, err := unix.Open(rootfs, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return -1, err
		}
		defer unix.Close(root)
		dir, rel = root, strings.TrimPrefix(src, rootfs)
		how.Resolve |= unix.RESOLVE_IN_ROOT
	}
	path, err := unix.Openat2(dir, strings.TrimPrefix(rel, "/"), &how)
	if err != nil {
		return -1, err
	}
	defer unix.Close(path)
	if dir == unix.AT_FDCWD {
		real, err := os.Readlink("/proc/thread-self/fd/" + strconv.Itoa(path))
		if err != nil {
			return -1, err
		}
		if inside(real, realRootfs) {
			return -1, fmt.Errorf("resolves into the rootfs (%s) through a symlink; name it inside the rootfs", real)
		}
	}
	return unix.OpenTree(path, "", flags)
}

func inside(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, dir+"/")
}
