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

// With NOTIFY_SOCKET set (systemd Type=notify, podman --sdnotify=container),
// the container gets a socket of its own at /run/notify/notify.sock, and
// `start` relays its READY=1 to the caller's socket with MAINPID, as runc.
func TestNotifySocketRelaysReady(t *testing.T) {
	e := newEnv(t)
	hostSock := filepath.Join(e.dir, "host-notify.sock")
	ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: hostSock, Net: "unixgram"})
	must(t, err)
	defer ln.Close()
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Args = []string{"sh", "-c", "sleep 0.3; probe sdnotify READY=1; sleep 100"}
	})
	withNotify := func(args ...string) {
		t.Helper()
		cmd := exec.Command(minirun, append([]string{"--root", e.root}, args...)...)
		cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+hostSock)
		// A file, not a pipe: the created container keeps its stdio open.
		out, err := os.CreateTemp(e.dir, "out")
		must(t, err)
		defer out.Close()
		cmd.Stdout, cmd.Stderr = out, out
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
