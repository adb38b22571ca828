package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// linux.netDevices (runc 1.4+): a host device is moved into the
// container's network namespace, renamed, with its permanent global
// address; a device the host does not have is refused.
func TestNetDevicesMovedAndRenamed(t *testing.T) {
	e := newEnv(t)
	const dev = "mr-test0"
	// A dummy device, or where that module is missing, one end of a veth
	// pair (both ends go with the container's namespace).
	if err := exec.Command("ip", "link", "add", dev, "type", "dummy").Run(); err != nil {
		if out, err := exec.Command("ip", "link", "add", dev, "type", "veth", "peer", "name", dev+"p").CombinedOutput(); err != nil {
			t.Skipf("cannot make a dummy or veth interface: %v %s", err, out)
		}
	}
	t.Cleanup(func() { exec.Command("ip", "link", "del", dev).Run() })
	must(t, exec.Command("ip", "addr", "add", "10.203.0.1/24", "dev", dev).Run())
	b := e.bundle("c", func(s *specs.Spec) {
		s.Linux.NetDevices = map[string]specs.LinuxNetDevice{dev: {Name: "eth1"}}
		s.Process.Args = []string{"ip", "-o", "addr", "show", "dev", "eth1"}
	})
	os.Symlink("busybox", filepath.Join(b, "rootfs/bin/ip"))
	r := e.run("run", "--bundle", b, "c")
	if r.code != 0 || !strings.Contains(r.stdout, "10.203.0.1/24") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// The namespace is gone with the container, and a virtual device with it.
	waitFor(t, "the moved device to go", func() bool { return exec.Command("ip", "link", "show", dev).Run() != nil })

	b2 := e.bundle("missing", func(s *specs.Spec) {
		s.Linux.NetDevices = map[string]specs.LinuxNetDevice{"mr-missing0": {}}
	})
	r = e.run("create", "--bundle", b2, "missing")
	if r.code == 0 || !strings.Contains(r.stderr, `linux.netDevices["mr-missing0"]`) {
		t.Fatalf("missing device: exit %d, stderr %q", r.code, r.stderr)
	}
	e.checkNothingLeft("missing", "missing")
}
