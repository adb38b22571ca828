package initproc

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// withHome adds HOME from the container's /etc/passwd when the process
// env has none, as runc does (Docker relies on it for --user). The file is
// the image's: readEtcFile refuses a FIFO, device or symlink there and caps
// the size; an unreadable file counts as missing, so HOME is "/".
func withHome(env []string, uid uint32) []string {
	for _, e := range env {
		if strings.HasPrefix(e, "HOME=") {
			return env
		}
	}
	home := "/"
	if h := passwdHomeIn("/", uid); h != "" {
		home = h
	}
	return append(append([]string{}, env...), "HOME="+home)
}

// passwdHomeIn looks uid up in the passwd file of root. The root is opened
// by name, because RESOLVE_IN_ROOT relative to AT_FDCWD would resolve
// /etc/passwd under the process's cwd (process.cwd), not under "/".
func passwdHomeIn(root string, uid uint32) string {
	rfd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return ""
	}
	defer unix.Close(rfd)
	b, err := readEtcFile(rfd, "etc/passwd")
	if err != nil {
		return ""
	}
	return passwdHome(bytes.NewReader(b), uid)
}

// passwdHome finds uid's home directory in passwd(5) lines.
func passwdHome(r io.Reader, uid uint32) string {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxEtcFile) // a long line must not end the scan
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) >= 6 && f[2] == strconv.FormatUint(uint64(uid), 10) {
			return f[5]
		}
	}
	return ""
}
