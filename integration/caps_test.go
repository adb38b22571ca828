package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/sys/capability"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestCapabilitySetsForRootAndNonRoot(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name                    string
		user                    specs.User
		caps                    *specs.LinuxCapabilities
		bnd, eff, prm, inh, amb string
	}{
		{"root-default", specs.User{}, nil, "0000000020000420", "0000000020000420", "0000000020000420", "0000000000000000", "0000000000000000"},
		{"nonroot-ambient", specs.User{UID: 1000, GID: 1000}, &specs.LinuxCapabilities{
			Bounding: []string{"CAP_NET_BIND_SERVICE", "CAP_KILL"}, Effective: []string{"CAP_NET_BIND_SERVICE"},
			Permitted: []string{"CAP_NET_BIND_SERVICE"}, Inheritable: []string{"CAP_NET_BIND_SERVICE"},
			Ambient: []string{"CAP_NET_BIND_SERVICE"}}, "0000000000000420", "0000000000000400", "0000000000000400", "0000000000000400", "0000000000000400"},
		{"nonroot-no-ambient", specs.User{UID: 1000, GID: 1000}, &specs.LinuxCapabilities{
			Bounding: []string{"CAP_CHOWN"}, Effective: []string{"CAP_CHOWN"}, Permitted: []string{"CAP_CHOWN"}},
			"0000000000000001", "0000000000000000", "0000000000000000", "0000000000000000", "0000000000000000"},
		// `runc spec`'s config: ambient without inheritable. runc 1.5 skips
		// what cannot be raised (with a warning) and runs the container.
		{"runc-spec-ambient", specs.User{}, &specs.LinuxCapabilities{
			Bounding: []string{"CAP_KILL"}, Effective: []string{"CAP_KILL"}, Permitted: []string{"CAP_KILL"},
			Ambient: []string{"CAP_KILL"}},
			"0000000000000020", "0000000000000020", "0000000000000020", "0000000000000000", "0000000000000000"},
	}
	for _, c := range cases {
		b := e.bundle(c.name, func(s *specs.Spec) {
			s.Process.User = c.user
			if c.caps != nil {
				s.Process.Capabilities = c.caps
			}
		})
		r := parseProbe(t, e.ok("run", "--bundle", b, c.name))
		got := [5]string{r.Status["CapBnd"], r.Status["CapEff"], r.Status["CapPrm"], r.Status["CapInh"], r.Status["CapAmb"]}
		want := [5]string{c.bnd, c.eff, c.prm, c.inh, c.amb}
		if got != want {
			t.Errorf("%s: Bnd/Eff/Prm/Inh/Amb = %v, want %v", c.name, got, want)
		}
	}
}

// `spec --hardened` gives Docker's defaults; a config without limits shows
// what --privileged would: every capability in the bounding set.
func TestHardenedSpecAgainstUnlimited(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	e.ok("spec", "--hardened", "--bundle", dir)
	raw, err := os.ReadFile(filepath.Join(dir, "config.json"))
	must(t, err)
	b := e.bundle("hard", func(s *specs.Spec) {
		var h specs.Spec
		must(t, json.Unmarshal(raw, &h))
		h.Process.Terminal = false
		h.Process.Args = []string{"/bin/probe"}
		h.Linux.CgroupsPath = s.Linux.CgroupsPath
		*s = h
	})
	r := parseProbe(t, e.ok("run", "--bundle", b, "hard"))
	if r.Status["CapEff"] != "00000000a80425fb" || r.Status["CapBnd"] != "00000000a80425fb" {
		t.Errorf("hardened caps: eff %s bnd %s, want 00000000a80425fb", r.Status["CapEff"], r.Status["CapBnd"])
	}
	if r.Status["Seccomp"] != "2" || r.Status["NoNewPrivs"] != "1" {
		t.Errorf("hardened: Seccomp %s NoNewPrivs %s", r.Status["Seccomp"], r.Status["NoNewPrivs"])
	}
	if !r.ThreadsAgree || r.Threads < 2 {
		t.Errorf("threads disagree on their security settings (%d threads)", r.Threads)
	}
	if m, _ := os.ReadFile(fmt.Sprintf("/proc/%d/uid_map", os.Getpid())); len(m) == 0 {
		t.Fatal("cannot read own uid_map")
	}
	all, err := os.ReadFile("/proc/self/status")
	must(t, err)
	hostBnd := ""
	for _, l := range strings.Split(string(all), "\n") {
		if strings.HasPrefix(l, "CapBnd:") {
			hostBnd = strings.TrimSpace(strings.TrimPrefix(l, "CapBnd:"))
		}
	}
	free := e.bundle("free", func(s *specs.Spec) {
		s.Process.Capabilities = nil
		full := capNamesFromMask(hostBnd)
		s.Process.Capabilities = &specs.LinuxCapabilities{Bounding: full, Effective: full, Permitted: full}
	})
	r2 := parseProbe(t, e.ok("run", "--bundle", free, "free"))
	if r2.Status["CapBnd"] != hostBnd {
		t.Errorf("unlimited container bounding %s, want the host's %s", r2.Status["CapBnd"], hostBnd)
	}
}

// capNamesFromMask lists the CAP_ names of the bits set in a hex mask.
func capNamesFromMask(hex string) []string {
	mask, _ := strconv.ParseUint(hex, 16, 64)
	var names []string
	for _, c := range capability.ListKnown() {
		if mask&(1<<uint(c)) != 0 {
			names = append(names, "CAP_"+strings.ToUpper(c.String()))
		}
	}
	return names
}

// runtime-spec: "Runtimes SHOULD NOT fail if the container configuration
// requests capabilities that cannot be granted" (runtime-tools'
// process_capabilities asks for all of them). Run under capsh without
// CAP_SYS_RESOURCE in its bounding set, minirun starts the container with
// the rest and warns about the one it cannot give.
func TestCapabilityTheRuntimeLacksIsSkipped(t *testing.T) {
	requireTool(t, "capsh", "libcap2-bin")
	e := newEnv(t)
	all := []string{"CAP_KILL", "CAP_SYS_RESOURCE"}
	b := e.bundle("c", func(s *specs.Spec) {
		s.Process.Capabilities = &specs.LinuxCapabilities{Bounding: all, Effective: all, Permitted: all}
	})
	script := fmt.Sprintf("exec %s --root %s run --bundle %s c", minirun, e.root, b)
	cmd := exec.Command("capsh", "--drop=cap_sys_resource", "--", "-c", script)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("run without CAP_SYS_RESOURCE in the runtime: %v, stderr %q", err, stderr.String())
	}
	r := parseProbe(t, stdout.String())
	if r.Status["CapEff"] != "0000000000000020" {
		t.Errorf("CapEff %s, want CAP_KILL only (0000000000000020)", r.Status["CapEff"])
	}
	if !strings.Contains(stderr.String(), "CAP_SYS_RESOURCE") || !strings.Contains(stderr.String(), "cannot be granted") {
		t.Errorf("no warning naming CAP_SYS_RESOURCE: %q", stderr.String())
	}
}
