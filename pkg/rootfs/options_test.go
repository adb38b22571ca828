package rootfs

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func TestRecursiveOptions(t *testing.T) {
	cases := []struct {
		opts     string
		set, clr uint64
	}{
		{"rro,rnosuid", unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID, 0},
		{"rro,rrw", 0, unix.MOUNT_ATTR_RDONLY},
		{"rnoatime", unix.MOUNT_ATTR_NOATIME, unix.MOUNT_ATTR__ATIME},
		{"rnoatime,rstrictatime", unix.MOUNT_ATTR_STRICTATIME, unix.MOUNT_ATTR__ATIME},
		{"rstrictatime,ratime", unix.MOUNT_ATTR_RELATIME, unix.MOUNT_ATTR__ATIME},
		{"rnodiratime,rnoatime,rdiratime", unix.MOUNT_ATTR_NOATIME, unix.MOUNT_ATTR__ATIME | unix.MOUNT_ATTR_NODIRATIME},
		{"rnosymfollow,rdev", unix.MOUNT_ATTR_NOSYMFOLLOW, unix.MOUNT_ATTR_NODEV},
	}
	for _, c := range cases {
		o := parseOptions(strings.Split(c.opts, ","))
		if o.rec.set != c.set || o.rec.clr != c.clr {
			t.Errorf("%s: set %#x clr %#x, want %#x %#x", c.opts, o.rec.set, o.rec.clr, c.set, c.clr)
		}
	}
	if o := parseOptions([]string{"nosymfollow"}); o.flags != unix.MS_NOSYMFOLLOW {
		t.Errorf("nosymfollow: flags %#x", o.flags)
	}
}

// Every option minirun reports in features is accepted on a tmpfs mount.
func TestFeatureOptionsAccepted(t *testing.T) {
	for _, o := range MountOptions() {
		m := specs.Mount{Destination: "/x", Type: "tmpfs", Source: "tmpfs", Options: []string{o}}
		if err := validateOptions(m); err != nil {
			t.Errorf("%s: %v", o, err)
		}
	}
	for _, o := range []string{"bogus", "mand"} {
		m := specs.Mount{Destination: "/x", Type: "bind", Source: "/tmp", Options: []string{"rbind", o}}
		if err := validateOptions(m); err == nil {
			t.Errorf("bind with %s accepted", o)
		}
	}
	// Filesystem data the kernel ignores on a bind passes, as with runc.
	if err := validateOptions(specs.Mount{Destination: "/x", Type: "bind", Source: "/tmp", Options: []string{"rbind", "mode=755"}}); err != nil {
		t.Errorf("bind with mode=755: %v", err)
	}
}
