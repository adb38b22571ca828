package container

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// A rootless container may run in no cgroup (no resources, nothing the
// user may write). Its processes are then those of its own pid
// namespace, or, sharing the caller's, only its init: nothing else can
// be told apart from the user's other processes.

// nsPids lists the container's processes without a cgroup.
func (l *loaded) nsPids() []int {
	inNS, ok := l.ownPidNS()
	if !ok {
		if l.st.Alive() {
			return []int{l.st.Pid}
		}
		return nil
	}
	defer inNS.Close()
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil && inNS.holds(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// signalNoCgroup signals what nsPids finds, each through a pidfd taken
// first and the process checked again after: a pid reused between the
// listing and the signal is never hit.
func (l *loaded) signalNoCgroup(sig unix.Signal) error {
	inNS, own := l.ownPidNS()
	if own {
		defer inNS.Close()
	}
	for _, pid := range l.nsPids() {
		pidfd, err := unix.PidfdOpen(pid, 0)
		if err != nil {
			continue
		}
		if (own && inNS.holds(pid)) || (!own && pid == l.st.Pid && l.st.Alive()) {
			unix.PidfdSendSignal(pidfd, sig, nil, 0)
		}
		unix.Close(pidfd)
	}
	return nil
}
