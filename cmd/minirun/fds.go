package main

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// markInheritedCloseOnExec makes every descriptor >= 3 that the caller left
// open close-on-exec, before anything else runs. A caller's leaked fd to a
// host directory, inherited by the container's init, is enough to run a
// host binary through /proc/self/fd/N (CVE-2024-21626). Fds the user asks
// to pass (--preserve-fds, LISTEN_FDS) are handed to the child explicitly,
// which clears the flag on the child's copy only.
func markInheritedCloseOnExec() error {
	err := unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if err == nil {
		return nil
	}
	// Kernels before 5.11 lack CLOSE_RANGE_CLOEXEC: walk the fd table.
	ents, rerr := os.ReadDir("/proc/self/fd")
	if rerr != nil {
		return fmt.Errorf("mark inherited fds close-on-exec: %v (and list /proc/self/fd: %w)", err, rerr)
	}
	for _, ent := range ents {
		if fd, err := strconv.Atoi(ent.Name()); err == nil && fd >= 3 {
			unix.CloseOnExec(fd)
		}
	}
	return nil
}
