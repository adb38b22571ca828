package container

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/minirun/minirun/pkg/hooks"
	"github.com/minirun/minirun/pkg/logs"
	"github.com/minirun/minirun/pkg/rootfs"
	"github.com/minirun/minirun/pkg/state"
	"golang.org/x/sys/unix"
)

// Delete removes a container: with force it kills a running one first. A
// created container is deleted without force, as runc does.
func Delete(g Global, id string, force bool) error {
	return withLock(g.Root, id, func() error { return deleteLocked(g, id, force) })
}

func deleteLocked(g Global, id string, force bool) error {
	l, err := load(g.Root, id)
	if err != nil {
		if !force || state.ValidateID(id) != nil {
			return err
		}
		dir := state.Dir(g.Root, id)
		if _, serr := os.Stat(dir); serr != nil {
			return nil // nothing to delete: --force succeeds, as runc's does
		}
		// --force always deletes: an unreadable record is cleaned up
		// from what can be read of it.
		if errors.Is(err, state.ErrCorrupt) {
			return deleteCorrupt(g, id, err)
		}
		if !errors.Is(err, state.ErrNotExist) {
			logs.Warnf("delete --force %s: %v; removing the state directory only", id, err)
		}
		if rerr := os.RemoveAll(dir); rerr != nil {
			return fmt.Errorf("remove state dir: %w", rerr)
		}
		return nil
	}
	kill, err := deleteKills(l.st.Status(), l.st.Pid > 0, l.ownsCgroup(), force, id)
	if err != nil {
		return err
	}
	if kill {
		if err := l.killAndWait(); err != nil {
			return err
		}
	}
	return l.destroy()
}

// killAndWait kills every process of the container and waits, without
// blind sleeps, until the init is gone and, where minirun created the
// cgroup, it is empty. Only processes signalAll can tell are the
// container's are killed: never one in a cgroup minirun did not create.
func (l *loaded) killAndWait() error {
	pidfd, err := unix.PidfdOpen(l.st.Pid, 0)
	if err == nil && !l.st.Alive() {
		unix.Close(pidfd)
		pidfd = -1
	}
	l.signalAll(unix.SIGKILL) // thaws a frozen cgroup, or the wait below would be in vain
	if pidfd >= 0 {
		unix.PidfdSendSignal(pidfd, unix.SIGKILL, nil, 0)
		waitPidfd(pidfd, 10*time.Second)
		unix.Close(pidfd)
	}
	if !l.ownsCgroup() {
		return nil
	}
	deadline := time.Now().Add(10 * time.Second)
	for delay := 100 * time.Microsecond; ; delay = min(delay*2, 20*time.Millisecond) {
		pids, err := l.st.Cgroup.OwnedPids()
		if err != nil || len(pids) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("processes %v of the container survived SIGKILL", pids)
		}
		l.st.Cgroup.Signal(unix.SIGKILL, nil)
		time.Sleep(delay)
	}
}

func waitPidfd(pidfd int, timeout time.Duration) {
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	unix.Poll(fds, int(timeout/time.Millisecond))
}

// destroy runs poststop hooks, removes the cgroups minirun made and the state dir.
func (l *loaded) destroy() error {
	if spec, err := l.st.LifecycleConfig(); err == nil && spec.Hooks != nil {
		hooks.Poststop.RunEach(spec.Hooks.Poststop, l.st.SpecStateJSON("stopped"), hooks.Context{Dir: l.st.Bundle}, func(err error) { logs.Warnf("%v", err) })
	}
	stopAudit(l.st.Audit)
	unmountHostMounts(l.st)
	if l.st.Cgroup != nil {
		if err := withCgroupsLock(rootOf(l.st), l.st.Cgroup.Destroy); err != nil {
			return err
		}
	}
	return l.st.Remove()
}

// ownsCgroup reports whether minirun created the container's cgroup in at
// least one hierarchy, so every process found there is the container's.
func (l *loaded) ownsCgroup() bool {
	return l.st.Cgroup != nil && l.st.Cgroup.OwnsAny()
}

// unmountHostMounts removes what a container without a mount namespace
// mounted in the host's table (rootfs.MountInHostNamespace): the ids
// recorded once the init had mounted, or, when create died before that,
// whatever is below the rootfs now that was not before it started.
func unmountHostMounts(st *state.Container) {
	if !st.HostMounts {
		return
	}
	ids := st.HostMountIDs
	if ids == nil {
		now, err := rootfs.MountsBelow(st.Rootfs)
		if err != nil {
			logs.Warnf("read the host's mounts: %v", err)
			return
		}
		ids = newMounts(st.HostMountsBefore, now)
	}
	if err := rootfs.UnmountHostMounts(st.Rootfs, ids); err != nil {
		logs.Warnf("%v", err)
	}
}

// newMounts are the ids in after that are not in before.
func newMounts(before, after []int) []int {
	old := map[int]bool{}
	for _, id := range before {
		old[id] = true
	}
	out := []int{}
	for _, id := range after {
		if !old[id] {
			out = append(out, id)
		}
	}
	return out
}

// recordHostMounts saves, once the init has made its mounts in the host's
// table, which mounts below the rootfs are the container's.
func (b *builder) recordHostMounts() error {
	if !b.st.HostMounts {
		return nil
	}
	now, err := rootfs.MountsBelow(b.st.Rootfs)
	if err != nil {
		return fmt.Errorf("read the host's mounts: %w", err)
	}
	b.st.HostMountIDs = newMounts(b.st.HostMountsBefore, now)
	return b.st.Save()
}
