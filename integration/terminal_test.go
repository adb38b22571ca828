package integration

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// consoleListener accepts one connection and receives the pty master
// sent over SCM_RIGHTS, as containerd and podman do.
func consoleListener(t *testing.T, dir string) (string, <-chan *os.File) {
	t.Helper()
	path := filepath.Join(dir, "console.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	must(t, err)
	ch := make(chan *os.File, 1)
	go func() {
		defer l.Close()
		conn, err := l.AcceptUnix()
		if err != nil {
			close(ch)
			return
		}
		defer conn.Close()
		buf, oob := make([]byte, 256), make([]byte, unix.CmsgSpace(4))
		_, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
		if err != nil {
			close(ch)
			return
		}
		msgs, _ := unix.ParseSocketControlMessage(oob[:oobn])
		if len(msgs) != 1 {
			close(ch)
			return
		}
		fds, _ := unix.ParseUnixRights(&msgs[0])
		ch <- os.NewFile(uintptr(fds[0]), "pty-master")
	}()
	return path, ch
}

func readUntil(t *testing.T, f *os.File, want string) string {
	t.Helper()
	var out bytes.Buffer
	buf := make([]byte, 4096)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(out.String(), want) {
		unix.SetNonblock(int(f.Fd()), true)
		n, err := unix.Read(int(f.Fd()), buf)
		if n > 0 {
			out.Write(buf[:n])
		} else if err == unix.EAGAIN || err == nil {
			time.Sleep(5 * time.Millisecond)
		} else {
			break
		}
	}
	if !strings.Contains(out.String(), want) {
		t.Fatalf("pty output %q does not contain %q", out.String(), want)
	}
	return out.String()
}

func TestConsoleSocketGetsPtyMaster(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Terminal = true
		s.Process.Args = []string{"sh", "-c", "tty; test -t 0 && echo stdin-is-a-tty; read line; echo got:$line; sleep 100"}
	})
	sock, ch := consoleListener(t, e.dir)
	e.ok("create", "--bundle", b, "--console-socket", sock, "c")
	master := <-ch
	if master == nil {
		t.Fatal("no pty master received")
	}
	defer master.Close()
	e.ok("start", "c")
	if out := readUntil(t, master, "stdin-is-a-tty"); !strings.Contains(out, "/dev/pts/0") {
		t.Errorf("tty is not the container's /dev/pts/0: %q", out)
	}
	master.Write([]byte("hello\n"))
	readUntil(t, master, "got:hello")

	sock2, ch2 := consoleListener(t, t.TempDir())
	e.ok("exec", "-t", "-d", "--console-socket", sock2, "c", "sh", "-c", "tty; echo exec-tty-ok; sleep 5")
	m2 := <-ch2
	if m2 == nil {
		t.Fatal("exec: no pty master received")
	}
	defer m2.Close()
	readUntil(t, m2, "exec-tty-ok")
}

func TestTerminalWithoutConsoleSocketIsRejected(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) { s.Process.Terminal = true })
	r := e.run("create", "--bundle", b, "c")
	if r.code != 1 || !strings.Contains(r.stderr, "console socket") {
		t.Fatalf("exit %d %q", r.code, r.stderr)
	}
	e.checkNothingLeft("c", "c")
}

// runc keeps the pty's default ONLCR for a console-socket receiver
// (containerd and podman see "\r\n"), but clears it when it proxies the
// terminal itself (tty.go recvtty: console.ClearONLCR), so the output of a
// foreground `run` or `exec -t` ends lines in "\n" only.
func TestTerminalLineEndings(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Terminal = true
		s.Process.Args = []string{"sh", "-c", "echo one; echo two; sleep 100"}
	})
	sock, ch := consoleListener(t, e.dir)
	e.ok("run", "-d", "--bundle", b, "--console-socket", sock, "c")
	master := <-ch
	if master == nil {
		t.Fatal("no pty master received")
	}
	defer master.Close()
	if out := readUntil(t, master, "two\r\n"); !strings.Contains(out, "one\r\ntwo\r\n") {
		t.Errorf("console socket: %q, want the pty's default \\r\\n", out)
	}

	fg := e.bundle("fg", func(s *specs.Spec) {
		s.Process.Terminal = true
		s.Process.Args = []string{"sh", "-c", "echo one; echo two"}
	})
	if out := e.ok("run", "--bundle", fg, "fg"); out != "one\ntwo\n" {
		t.Errorf("foreground run: %q, want %q", out, "one\ntwo\n")
	}
	// exec'd processes write at once: ONLCR must be off before they can
	// (CI lost this race when minirun cleared it only once relaying).
	for i := 0; i < 20; i++ {
		if out := e.ok("exec", "-t", "c", "echo", "three"); out != "three\n" {
			t.Fatalf("foreground exec -t, round %d: %q, want %q", i, out, "three\n")
		}
	}
}
