package container

import "golang.org/x/sys/unix"

// inherited are the fds >= 3 the caller passed, recorded before minirun
// opened any of its own (a lock file, a socket): --preserve-fds and
// LISTEN_FDS may only hand over what the caller gave, never an fd of the
// runtime's that took a closed fd's number. nil: not recorded (tests).
var inherited map[int]bool

// RecordInheritedFds lists the open fds >= 3 through /proc/self/fd; it
// must run first thing in main.
func RecordInheritedFds() error {
	dir, err := unix.Open("/proc/self/fd", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(dir)
	set := map[int]bool{}
	buf := make([]byte, 4096)
	for {
		n, err := unix.ReadDirent(dir, buf)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		var names []string
		_, _, names = unix.ParseDirent(buf[:n], -1, names)
		for _, name := range names {
			fd := 0
			for _, c := range name {
				fd = fd*10 + int(c-'0')
			}
			if fd >= 3 && fd != dir {
				set[fd] = true
			}
		}
	}
	inherited = set
	return nil
}

// wasInherited reports whether fd was open when minirun started.
func wasInherited(fd int) bool {
	if inherited == nil {
		_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		return err == nil
	}
	return inherited[fd]
}
