package rootfs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// DefaultDevices are the nodes every container gets (runtime-spec "Default Devices").
var DefaultDevices = []specs.LinuxDevice{
	{Path: "/dev/null", Type: "c", Major: 1, Minor: 3},
	{Path: "/dev/zero", Type: "c", Major: 1, Minor: 5},
	{Path: "/dev/full", Type: "c", Major: 1, Minor: 7},
	{Path: "/dev/random", Type: "c", Major: 1, Minor: 8},
	{Path: "/dev/urandom", Type: "c", Major: 1, Minor: 9},
	{Path: "/dev/tty", Type: "c", Major: 5, Minor: 0},
}

var devSymlinks = [][2]string{
	{"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"},
	{"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"},
	{"pts/ptmx", "/dev/ptmx"},
}

func validateDevices(s *specs.Spec) error {
	if s.Linux == nil {
		return nil
	}
	for i, d := range s.Linux.Devices {
		if !strings.HasPrefix(d.Path, "/dev/") || filepath.Clean(d.Path) != d.Path {
			return fmt.Errorf("linux.devices[%d].path: must be a clean path under /dev, got %q", i, d.Path)
		}
		switch d.Type {
		case "c", "b", "u", "p":
		default:
			return fmt.Errorf("linux.devices[%d].type: unknown device type %q", i, d.Type)
		}
	}
	return nil
}

func deviceMode(d specs.LinuxDevice) uint32 {
	perm := uint32(0o666)
	if d.FileMode != nil {
		perm = uint32(*d.FileMode) & 0o7777
	}
	switch d.Type {
	case "b":
		return unix.S_IFBLK | perm
	case "p":
		return unix.S_IFIFO | perm
	default:
		return unix.S_IFCHR | perm
	}
}

// createDevices makes the default and configured device nodes. Whatever the
// image holds at a device path (a symlink to /proc/sys/... say) is removed
// first, so later opens of /dev/null can never land elsewhere.
func (b *builder) createDevices() error {
	devs := append([]specs.LinuxDevice{}, DefaultDevices...)
	if b.spec.Linux != nil {
		devs = append(devs, b.spec.Linux.Devices...)
	}
	dev, err := b.devDir()
	if err != nil {
		return err
	}
	defer unix.Close(dev)
	for _, d := range devs {
		if err := b.createDevice(d); err != nil {
			return fmt.Errorf("create device %s: %w", d.Path, err)
		}
	}
	return nil
}

func (b *builder) devDir() (int, error) {
	fd, err := mkdirAllInRoot(b.root, "/dev", 0o755)
	if err != nil {
		return -1, fmt.Errorf("create /dev: %w", err)
	}
	return fd, nil
}

func (b *builder) createDevice(d specs.LinuxDevice) error {
	dir, err := mkdirAllInRoot(b.root, filepath.Dir(d.Path), 0o755)
	if err != nil {
		return err
	}
	defer unix.Close(dir)
	d2, err := unix.Open(fdPath(dir), unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(d2)
	name := filepath.Base(d.Path)
	if err := unix.Unlinkat(d2, name, 0); err != nil && err != unix.ENOENT && err != unix.EISDIR {
		return fmt.Errorf("remove image entry: %w", err)
	}
	if b.inUserNS {
		return bindHostDevice(d2, name, d.Path)
	}
	dtype := d.Type
	if dtype == "u" {
		dtype = "c"
	}
	d.Type = dtype
	dev := int(unix.Mkdev(uint32(d.Major), uint32(d.Minor)))
	if d.Type == "p" {
		dev = 0 // a fifo has no device number; the config's is ignored
	}
	if err := unix.Mknodat(d2, name, deviceMode(d), dev); err != nil {
		return fmt.Errorf("mknod: %w", err)
	}
	// mknod honours the umask; the config's mode is what the container gets.
	if err := unix.Fchmodat(d2, name, deviceMode(d)&0o7777, 0); err != nil {
		return fmt.Errorf("chmod: %w", err)
	}
	uid, gid := -1, -1
	if d.UID != nil {
		uid = int(*d.UID)
	}
	if d.GID != nil {
		gid = int(*d.GID)
	}
	if err := unix.Fchownat(d2, name, uid, gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("chown: %w", err)
	}
	return nil
}

// A user namespace may not mknod (mknod(2)); the host's node is bound instead.
func bindHostDevice(dir int, name, hostPath string) error {
	f, err := unix.Openat(dir, name, unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("create bind target: %w", err)
	}
	unix.Close(f)
	target, err := unix.Openat(dir, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(target)
	if err := unix.Mount(hostPath, fdPath(target), "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind host device: %w", err)
	}
	return nil
}

// createDevSymlinks adds /dev/fd, /dev/std*, /dev/ptmx (and /dev/core when
// the kernel has /proc/kcore), leaving any existing entry alone.
func (b *builder) createDevSymlinks() error {
	dev, err := b.devDir()
	if err != nil {
		return err
	}
	defer unix.Close(dev)
	d, err := unix.Open(fdPath(dev), unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(d)
	links := devSymlinks
	if _, err := os.Stat("/proc/kcore"); err == nil {
		links = append(links, [2]string{"/proc/kcore", "/dev/core"})
	}
	for _, l := range links {
		if err := unix.Symlinkat(l[0], d, filepath.Base(l[1])); err != nil && err != unix.EEXIST {
			return fmt.Errorf("symlink %s: %w", l[1], err)
		}
	}
	return nil
}

// devIsHostBind reports whether the config binds the host's /dev (or a
// directory) at /dev: then the runtime must not create nodes in it.
func devIsHostBind(s *specs.Spec) bool {
	for _, m := range s.Mounts {
		if filepath.Clean(m.Destination) == "/dev" && isBind(m) {
			return true
		}
	}
	return false
}
