package container

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
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
	if err := overrideUser(&p.User, o.User, o.AdditionalGids); err != nil {
		return nil, err
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

// overrideUser applies -u and --additional-gids as runc does: -u names the
// uid and maybe the gid, and replaces only those; the config's additional
// gids and umask stay (a process must not lose the groups or the umask its
// container was given because a uid was named), and --additional-gids
// adds to them.
func overrideUser(u *specs.User, user string, gids []int) error {
	if user != "" {
		uidS, gidS, hasGid := strings.Cut(user, ":")
		uid, err := strconv.ParseUint(uidS, 10, 32)
		if err != nil {
			return fmt.Errorf("--user %q: want UID[:GID] as numbers", user)
		}
		if hasGid {
			gid, err := strconv.ParseUint(gidS, 10, 32)
			if err != nil {
				return fmt.Errorf("--user %q: want UID[:GID] as numbers", user)
			}
			u.GID = uint32(gid)
		}
		u.UID = uint32(uid)
	}
	if len(gids) > 0 {
		// A new slice: the old backing array is the saved config's.
		u.AdditionalGids = append([]uint32{}, u.AdditionalGids...)
		for _, g := range gids {
			u.AdditionalGids = append(u.AdditionalGids, uint32(g))
		}
	}
	return nil
}

// addCaps grants --cap in the bounding, effective and permitted sets, never
// in inheritable, where a non-root exec'd program would keep it across
// execve (CVE-2022-29162). As runc 1.5, it also goes to ambient when the
// config has an inheritable set; only where that set holds it, because the
// kernel refuses any other (runc warns and goes on, so the sets agree).
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
	c.Ambient = append([]string{}, c.Ambient...)
	for _, x := range extra {
		same := func(n string) bool { return strings.EqualFold(n, x) }
		if slices.ContainsFunc(c.Inheritable, same) && !slices.ContainsFunc(c.Ambient, same) {
			c.Ambient = append(c.Ambient, x)
		}
	}
	p.Capabilities = c
	return nil
}
