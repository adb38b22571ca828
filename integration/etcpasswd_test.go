package integration

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// HOME comes from the image's /etc/passwd, which the image controls: a
// FIFO (or a device, or a symlink to one) there must not hang create or
// exec; HOME falls back to "/" as for a missing file.
func TestEtcPasswdFifoDoesNotHang(t *testing.T) {
	e := newEnv(t)
	for _, kind := range []string{"fifo", "symlink-to-fifo", "directory"} {
		// A bundle each: rewriting a FIFO passwd would block the test itself.
		b := e.bundle(kind, func(s *specs.Spec) { s.Process.Args = []string{"sleep", "1000"} })
		passwd := filepath.Join(b, "rootfs/etc/passwd")
		must(t, os.Remove(passwd))
		switch kind {
		case "fifo":
			must(t, syscall.Mkfifo(passwd, 0o644))
		case "symlink-to-fifo":
			must(t, syscall.Mkfifo(filepath.Join(b, "rootfs/etc/pw.fifo"), 0o644))
			must(t, os.Symlink("pw.fifo", passwd))
		case "directory":
			must(t, os.Mkdir(passwd, 0o755))
		}
		e.ok("run", "-d", "--bundle", b, "c")
		if out := e.ok("exec", "c", "sh", "-c", "echo $HOME"); strings.TrimSpace(out) != "/" {
			t.Errorf("%s at /etc/passwd: exec HOME=%q, want /", kind, out)
		}
		e.ok("delete", "--force", "c")
	}
}

// The lookup resolves /etc/passwd in the container's root, not under the
// process's cwd.
func TestEtcPasswdHomeWithCwd(t *testing.T) {
	e := newEnv(t)
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Cwd = "/tmp"
		s.Process.Args = []string{"sh", "-c", "echo $HOME"}
	})
	if out := e.ok("run", "--bundle", b, "c"); strings.TrimSpace(out) != "/root" {
		t.Fatalf("HOME=%q with cwd /tmp, want /root from /etc/passwd", out)
	}
}
