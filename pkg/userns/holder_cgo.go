//go:build linux && cgo

package userns

/*
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <unistd.h>

// spawn_userns_holder forks a child that joins the user namespace nsfd,
// tells the parent through ready_w that it did (one byte: 1 joined, 0 not),
// and waits until the parent closes hold_w (the child closes its own copy
// first). Only async-signal-safe calls run in the child of this
// multi-threaded process: close, setns, write, read, _exit.
static int spawn_userns_holder(int nsfd, int ready_w, int hold_r, int hold_w)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	close(hold_w);
	char ok = setns(nsfd, CLONE_NEWUSER) == 0;
	if (write(ready_w, &ok, 1) != 1)
		_exit(1);
	char c;
	while (read(hold_r, &c, 1) > 0)
		;
	_exit(0);
}
*/
import "C"

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// pinnedMappings reads the maps of a user namespace no process is in (a
// bind-mounted nsfs file, as containerd pins a pod's): a forked child joins
// it just long enough for its /proc/PID/uid_map and gid_map to be read,
// as runc does. Root may join any user namespace below its own.
func pinnedMappings(path string) (uidMap, gidMap []specs.LinuxIDMapping, err error) {
	ns, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(ns)
	readyR, readyW, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	defer readyR.Close()
	holdR, holdW, err := os.Pipe()
	if err != nil {
		readyW.Close()
		return nil, nil, err
	}
	pid := int(C.spawn_userns_holder(C.int(ns), C.int(readyW.Fd()), C.int(holdR.Fd()), C.int(holdW.Fd())))
	readyW.Close()
	holdR.Close()
	if pid < 0 {
		holdW.Close()
		return nil, nil, fmt.Errorf("fork a holder for %s", path)
	}
	defer func() {
		holdW.Close()
		var ws unix.WaitStatus
		unix.Wait4(pid, &ws, 0, nil)
	}()
	var ok [1]byte
	if n, _ := readyR.Read(ok[:]); n != 1 || ok[0] != 1 {
		return nil, nil, fmt.Errorf("join user namespace %s: %w", path, errNoProcess)
	}
	return mapsOf(filepath.Join("/proc", strconv.Itoa(pid)))
}
