package integration

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// notifyListener is the caller's notify socket (what systemd would hold).
func notifyListener(t *testing.T, e *env) (string, *net.UnixConn) {
	path := filepath.Join(e.dir, "host-notify.sock")
	ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	must(t, err)
	t.Cleanup(func() { ln.Close() })
	return path, ln
}

// withNotifySocket is a minirun command run with NOTIFY_SOCKET=sock, its
// output to a file (a created container keeps a pipe open forever).
func withNotifySocket(t *testing.T, e *env, sock string, args ...string) (*exec.Cmd, *os.File) {
	cmd := exec.Command(minirun, append([]string{"--root", e.root}, args...)...)
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+sock)
	out, err := os.CreateTemp(e.dir, "out")
	must(t, err)
	t.Cleanup(func() { out.Close() })
	cmd.Stdout, cmd.Stderr = out, out
	return cmd, out
}

// With NOTIFY_SOCKET set (systemd Type=notify, podman --sdnotify=container),
// the container gets a socket of its own at /run/notify/notify.sock, and
// `start` relays its READY=1 to the caller's socket with MAINPID, as runc.
func TestNotifySocketRelaysReady(t *testing.T) {
	e := newEnv(t)
	hostSock, ln := notifyListener(t, e)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sh", "-c", "sleep 0.3; probe sdnotify READY=1; sleep 100"}
	})
	withNotify := func(args ...string) {
		t.Helper()
		cmd, out := withNotifySocket(t, e, hostSock, args...)
		if err := cmd.Run(); err != nil {
			msg, _ := os.ReadFile(out.Name())
			t.Fatalf("%v: %v\n%s", args, err, msg)
		}
	}
	withNotify("create", "--bundle", b, "c")
	withNotify("start", "c")
	// start returns only once the container said READY: the host has it now.
	ln.SetReadDeadline(time.Now().Add(2 * time.Second))
	var got []string
	buf := make([]byte, 4096)
	for len(got) < 2 {
		n, err := ln.Read(buf)
		if err != nil {
			t.Fatalf("host socket: %v (got %q)", err, got)
		}
		got = append(got, strings.Split(strings.TrimSpace(string(buf[:n])), "\n")...)
	}
	want := "MAINPID=" + strconv.Itoa(e.pid("c"))
	if strings.Join(got, ",") != "READY=1,"+want {
		t.Fatalf("host got %q, want READY=1 then %s", got, want)
	}
	env := e.ok("exec", "c", "sh", "-c", "echo $NOTIFY_SOCKET")
	if strings.TrimSpace(env) != "/run/notify/notify.sock" {
		t.Fatalf("container's NOTIFY_SOCKET %q", env)
	}
	e.ok("delete", "--force", "c")
}

// A container that never says READY=1 keeps `start` waiting (as runc), but
// not the container's lock: kill and delete still work meanwhile; and
// READY=0 is not READY=1.
func TestNotifySocketWaitDoesNotHoldTheLock(t *testing.T) {
	e := newEnv(t)
	hostSock, _ := notifyListener(t, e)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sh", "-c", "probe sdnotify READY=0; sleep 100"}
	})
	create, _ := withNotifySocket(t, e, hostSock, "create", "--bundle", b, "c")
	must(t, create.Run())
	start, _ := withNotifySocket(t, e, hostSock, "start", "c")
	must(t, start.Start())
	done := make(chan error, 1)
	go func() { done <- start.Wait() }()
	waitFor(t, "the container to run", func() bool { return e.state("c")["status"] == "running" })
	select {
	case <-done:
		t.Fatal("start returned although the container never said READY=1")
	case <-time.After(300 * time.Millisecond):
	}
	// kill takes the lock: it must not wait for start's READY.
	killed := make(chan result, 1)
	go func() { killed <- e.run("kill", "c", "KILL") }()
	select {
	case r := <-killed:
		if r.code != 0 {
			t.Fatalf("kill while start waits: exit %d %q", r.code, r.stderr)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("kill waited for start's READY wait (the lock was held)")
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("start did not return once the container died")
	}
	e.ok("delete", "--force", "c")
}
