package initproc

import (
	"os"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

func TestRefuseHeldFiles(t *testing.T) {
	const from = 900
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	f, err := os.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Dup2(int(r.Fd()), from+3); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(from + 3)
	if err := refuseHeldFiles(from); err != nil {
		t.Fatalf("a pipe was refused: %v", err)
	}
	if got := openFds(from, heldFdScan); !slices.Equal(got, []int{from + 3}) {
		t.Fatalf("open fds %v, want [%d]", got, from+3)
	}
	if err := unix.Dup2(int(f.Fd()), from+700); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(from + 700)
	if err := refuseHeldFiles(from); err == nil {
		t.Fatal("a held directory was not refused")
	}
}

func TestOpenFdsWithoutPollListsAll(t *testing.T) {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	low := lim
	low.Cur = 64
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &low); err != nil {
		t.Fatal(err)
	}
	defer unix.Setrlimit(unix.RLIMIT_NOFILE, &lim)
	// More fds than RLIMIT_NOFILE: poll(2) says EINVAL, every one is listed.
	if got := openFds(3, 100); len(got) != 100 {
		t.Fatalf("%d fds listed, want all 100", len(got))
	}
}
