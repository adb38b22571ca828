package protocol

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

func TestFdsFollowAFrame(t *testing.T) {
	p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	a, b := os.NewFile(uintptr(p[0]), "a"), os.NewFile(uintptr(p[1]), "b")
	defer a.Close()
	defer b.Close()
	f, err := os.Open("/")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := Send(a, Message{Kind: KindStart}); err != nil {
		t.Fatal(err)
	}
	if err := SendFds(a, []int{int(f.Fd()), int(f.Fd())}); err != nil {
		t.Fatal(err)
	}
	if err := Expect(b, KindStart); err != nil {
		t.Fatal(err)
	}
	fds, err := RecvFds(b, 2)
	if err != nil || len(fds) != 2 {
		t.Fatalf("fds %v: %v", fds, err)
	}
	for _, fd := range fds {
		unix.Close(fd)
	}
}
