package console

import (
	"os"
	"testing"

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
