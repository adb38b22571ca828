package rootfs

import (
	"testing"

	"golang.org/x/sys/unix"
)

// statfs(2) reports ST_RELATIME, not MS_RELATIME; no atime flag at all is
// strictatime; a requested atime mode is left alone.
func TestLockedFlags(t *testing.T) {
	cases := []struct {
		f         int64
		requested uintptr
		want      uintptr
	}{
		{unix.ST_NOSUID | unix.ST_NODEV | unix.ST_RELATIME, 0, unix.MS_NOSUID | unix.MS_NODEV | unix.MS_RELATIME},
		{unix.ST_RDONLY | unix.ST_NOEXEC, 0, unix.MS_RDONLY | unix.MS_NOEXEC | unix.MS_STRICTATIME},
		{unix.ST_NOATIME | unix.ST_NODIRATIME, 0, unix.MS_NOATIME | unix.MS_NODIRATIME},
		{unix.ST_NOSUID | unix.ST_RELATIME, unix.MS_NOATIME, unix.MS_NOSUID},
	}
	for _, c := range cases {
		if got := lockedFlags(c.f, c.requested); got != c.want {
			t.Errorf("lockedFlags(%#x, %#x) = %#x, want %#x", c.f, c.requested, got, c.want)
		}
	}
}
