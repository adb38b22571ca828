package integration

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// pidfdListener listens on a unix socket and returns, per connection, the
// payload and the pid of the pidfd runc's --pidfd-socket sends.
func pidfdListener(t *testing.T, dir string) (string, chan string) {
	t.Helper()
	path := filepath.Join(dir, "pidfd.sock")
	ln, err := net.Listen("unix", path)
	must(t, err)
	t.Cleanup(func() { ln.Close() })
	got := make(chan string, 4)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			f, _ := conn.(*net.UnixConn).File()
			conn.Close()
			buf, oob := make([]byte, 64), make([]byte, unix.CmsgSpace(4))
			n, oobn, _, _, err := unix.Recvmsg(int(f.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
			f.Close()
			if err != nil {
				got <- "recvmsg: " + err.Error()
				continue
			}
			msgs, _ := unix.ParseSocketControlMessage(oob[:oobn])
			var fds []int
			if len(msgs) == 1 {
				fds, _ = unix.ParseUnixRights(&msgs[0])
			}
			if len(fds) != 1 {
				got <- "no fd"
				continue
			}
			info, _ := os.ReadFile("/proc/self/fdinfo/" + strconv.Itoa(fds[0]))
			unix.Close(fds[0])
			pid := ""
			for _, l := range strings.Split(string(info), "\n") {
				if strings.HasPrefix(l, "Pid:") {
					pid = strings.TrimSpace(strings.TrimPrefix(l, "Pid:"))
				}
			}
			got <- string(buf[:n]) + " " + pid
		}
	}()
	return path, got
}

// --pidfd-socket (runc 1.2+): create and exec send a pidfd of the process,
// with runc's payloads "standard" and "setns".
func TestPidfdSocket(t *testing.T) {
	e := newEnv(t)
	sock, got := pidfdListener(t, e.dir)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Args = []string{"sleep", "100"} })
	e.ok("create", "--pidfd-socket", sock, "--bundle", b, "c")
	if want := "standard " + strconv.Itoa(e.pid("c")); <-got != want {
		t.Errorf("create: want %q", want)
	}
	e.ok("start", "c")
	pidFile := filepath.Join(e.dir, "exec.pid")
	e.ok("exec", "-d", "--pid-file", pidFile, "--pidfd-socket", sock, "c", "sleep", "50")
	raw, _ := os.ReadFile(pidFile)
	if g, want := <-got, "setns "+strings.TrimSpace(string(raw)); g != want {
		t.Errorf("exec: got %q, want %q", g, want)
	}
	b2 := e.bundle("c2", nil)
	r := e.run("create", "--pidfd-socket", filepath.Join(e.dir, "missing.sock"), "--bundle", b2, "c2")
	if r.code == 0 || !strings.Contains(r.stderr, "--pidfd-socket") {
		t.Errorf("missing socket: exit %d %q", r.code, r.stderr)
	}
	e.checkNothingLeft("c2", "c2")
	e.ok("delete", "--force", "c")
}

// run --no-subreaper is accepted (minirun run is never a subreaper).
func TestRunNoSubreaperAccepted(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sh", "-c", "grep -c . /proc/self/status >/dev/null && echo ran"}
	})
	r := e.run("run", "--no-subreaper", "--bundle", b, "c")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "ran" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}
