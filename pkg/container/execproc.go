package container

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/minirun/minirun/pkg/caps"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// buildProcess is exec's process: a --process file as given, or the
// container's own process with the command line's args and overrides.
func buildProcess(base *specs.Process, o ExecOptions) (*specs.Process, error) {
	if o.ProcessFile != "" {
		if len(o.Args) > 0 {
			return nil, fmt.Errorf("exec: --process and a command cannot be combined")
		}
		return readProcessFile(o.ProcessFile)
	}
	if len(o.Args) == 0 {
		return nil, fmt.Errorf("exec: a command (or --process) is required")
	}
	p := *base
	p.Args = o.Args
	p.Terminal = o.Tty
	p.ConsoleSize = nil
	p.Env = append(append([]string{}, base.Env...), o.Env...)
	if o.Cwd != "" {
		p.Cwd = o.Cwd
	}
	if o.User != "" {
		u, err := parseUser(o.User)
		if err != nil {
			return nil, err
		}
		p.User = u
	}
	if len(o.AdditionalGids) > 0 {
		p.User.AdditionalGids = nil
		for _, g := range o.AdditionalGids {
			p.User.AdditionalGids = append(p.User.AdditionalGids, uint32(g))
		}
	}
	p.NoNewPrivileges = base.NoNewPrivileges || o.NoNewPrivs
	if o.AppArmor != "" {
		p.ApparmorProfile = o.AppArmor
	}
	if err := addCaps(&p, o.Caps); err != nil {
		return nil, err
	}
	return &p, nil
}

func readProcessFile(path string) (*specs.Process, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--process: %w", err)
	}
	var p specs.Process
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("--process %s: malformed JSON: %w", path, err)
	}
	return &p, nil
}

func parseUser(s string) (specs.User, error) {
	uidS, gidS, hasGid := strings.Cut(s, ":")
	uid, err := strconv.ParseUint(uidS, 10, 32)
	if err != nil {
		return specs.User{}, fmt.Errorf("--user %q: want UID[:GID] as numbers", s)
	}
	u := specs.User{UID: uint32(uid)}
	if hasGid {
		gid, err := strconv.ParseUint(gidS, 10, 32)
		if err != nil {
			return specs.User{}, fmt.Errorf("--user %q: want UID[:GID] as numbers", s)
		}
		u.GID = uint32(gid)
	}
	return u, nil
}

// addCaps grants --cap in the bounding, effective and permitted sets only:
// never inheritable or ambient, where a non-root exec'd program would keep
// them across execve (CVE-2022-29162).
func addCaps(p *specs.Process, extra []string) error {
	if len(extra) == 0 {
		return nil
	}
	for i := range extra {
		extra[i] = strings.ToUpper(extra[i])
		if !strings.HasPrefix(extra[i], "CAP_") {
			extra[i] = "CAP_" + extra[i]
		}
	}
	if err := caps.ValidateNames("--cap", extra); err != nil {
		return err
	}
	c := &specs.LinuxCapabilities{}
	if p.Capabilities != nil {
		cp := *p.Capabilities
		c = &cp
	}
	c.Bounding = append(append([]string{}, c.Bounding...), extra...)
	c.Effective = append(append([]string{}, c.Effective...), extra...)
	c.Permitted = append(append([]string{}, c.Permitted...), extra...)
	p.Capabilities = c
	return nil
}
