package initproc

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// withHome adds HOME from the container's /etc/passwd when the process
// env has none, as runc does (Docker relies on it for --user). The file is
// read without magic links and at most 1 MiB of it: it is the image's.
func withHome(env []string, uid uint32) []string {
	for _, e := range env {
		if strings.HasPrefix(e, "HOME=") {
			return env
		}
	}
	home := "/"
	how := unix.OpenHow{Flags: unix.O_RDONLY | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS}
	if fd, err := unix.Openat2(unix.AT_FDCWD, "/etc/passwd", &how); err == nil {
		f := os.NewFile(uintptr(fd), "passwd")
		if h := passwdHome(io.LimitReader(f, 1<<20), uid); h != "" {
			home = h
		}
		f.Close()
	}
	return append(append([]string{}, env...), "HOME="+home)
}

// passwdHome finds uid's home directory in passwd(5) lines.
func passwdHome(r io.Reader, uid uint32) string {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) >= 6 && f[2] == strconv.FormatUint(uint64(uid), 10) {
			return f[5]
		}
	}
	return ""
}
