package console

import (
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func openPtmx(t *testing.T) *os.File {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no /dev/ptmx here: %v", err)
	}
	return ptmx
}

func TestOpenPtyAsOwnsPeer(t *testing.T) {
	uid := os.Getuid()
	if uid == 0 {
		uid = 1000 // root can give the peer away; check that it does
	}
	master, slave, err := OpenPtyAs(openPtmx(t), uid)
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(slave.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	if int(st.Uid) != uid {
		t.Fatalf("pty peer owned by uid %d, want %d", st.Uid, uid)
	}
}

func TestClearONLCR(t *testing.T) {
	master, slave, err := OpenPty(openPtmx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	if err := ClearONLCR(master); err != nil {
		t.Fatal(err)
	}
	slave.Write([]byte("a\nb\n"))
	buf := make([]byte, 16)
	n, _ := master.Read(buf)
	if string(buf[:n]) != "a\nb\n" {
		t.Fatalf("read %q from the master, want %q", buf[:n], "a\nb\n")
	}
}

func socketPair(t *testing.T) (*os.File, *os.File) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	a, b := os.NewFile(uintptr(fds[0]), "a"), os.NewFile(uintptr(fds[1]), "b")
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

func TestRecvFdIsBounded(t *testing.T) {
	a, _ := socketPair(t)
	start := time.Now()
	if _, err := RecvFd(a, 50*time.Millisecond); err == nil {
		t.Fatal("received an fd nobody sent")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("waited %v for a 50ms bound", d)
	}
}

func TestRecvFdPeerClosedWithoutSending(t *testing.T) {
	a, b := socketPair(t)
	b.Close()
	if _, err := RecvFd(a, time.Minute); err == nil {
		t.Fatal("a closed peer gave an fd")
	}
}

func TestRecvFdGetsTheSentFile(t *testing.T) {
	a, b := socketPair(t)
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := SendFd(b, f); err != nil {
		t.Fatal(err)
	}
	got, err := RecvFd(a, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	if got.Name() != os.DevNull {
		t.Fatalf("name %q, want %q", got.Name(), os.DevNull)
	}
}
