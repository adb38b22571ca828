package initproc

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func etcRoot(t *testing.T) (string, int) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return root, fd
}

func TestReadEtcFileRefusesWhatIsNotARegularFile(t *testing.T) {
	root, fd := etcRoot(t)
	passwd := filepath.Join(root, "etc/passwd")
	cases := map[string]func() error{
		"fifo":      func() error { return syscall.Mkfifo(passwd, 0o644) },
		"symlink":   func() error { return os.Symlink("/dev/zero", passwd) },
		"directory": func() error { return os.Mkdir(passwd, 0o755) },
	}
	for kind, mk := range cases {
		os.RemoveAll(passwd)
		if err := mk(); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if _, err := readEtcFile(fd, "etc/passwd"); err == nil {
			t.Errorf("%s at /etc/passwd was read", kind)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: took %v", kind, d)
		}
		if h := passwdHomeIn(root, 0); h != "" {
			t.Errorf("%s: home %q", kind, h)
		}
	}
}

func TestReadEtcFileStaysInRootAndIsCapped(t *testing.T) {
	root, fd := etcRoot(t)
	// An absolute symlink in a parent component resolves inside the root.
	if err := os.Mkdir(filepath.Join(root, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(root, "etc"))
	if err := os.Symlink("/real", filepath.Join(root, "etc")); err != nil {
		t.Fatal(err)
	}
	line := "root:x:0:0:root:/root:/bin/sh\n"
	big := line + strings.Repeat("#"+strings.Repeat("x", 1000)+"\n", maxEtcFile/1000) + "late:x:7:7::/late:/bin/sh\n"
	if err := os.WriteFile(filepath.Join(root, "real/passwd"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := readEtcFile(fd, "etc/passwd")
	if err != nil || len(b) != maxEtcFile {
		t.Fatalf("read %d bytes, %v; want the first %d", len(b), err, maxEtcFile)
	}
	if h := passwdHomeIn(root, 0); h != "/root" {
		t.Errorf("uid 0: %q", h)
	}
	if h := passwdHomeIn(root, 7); h != "" {
		t.Errorf("an entry past the cap was read: %q", h)
	}
}
