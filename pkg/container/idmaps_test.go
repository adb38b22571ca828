package container

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/minirun/minirun/pkg/protocol"
	"golang.org/x/sys/unix"
)

// A reply that does not decode is reported as itself, and the bootstrap,
// which may be waiting for a maps answer, gets an abort at once.
func TestGarbledBootReplyIsAbortedAndReported(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	parent, boot := os.NewFile(uintptr(fds[0]), "parent"), os.NewFile(uintptr(fds[1]), "boot")
	defer parent.Close()
	defer boot.Close()
	protocol.WriteFrame(boot, []byte("maps 0")) // the old text form
	_, err = readBootReply(parent)
	var bad badReply
	if !errors.As(err, &bad) {
		t.Fatalf("got %v, want a badReply", err)
	}
	answer, err := protocol.ReadFrame(boot)
	if err != nil || !bytes.Equal(answer, protocol.MapsAnswer(false)) {
		t.Fatalf("the bootstrap got %x, %v; want a maps-abort", answer, err)
	}
}
