package cgroups

import specs "github.com/opencontainers/runtime-spec/specs-go"

// pidsMax is runc 1.5's pids.max for linux.resources.pids.limit (the
// same file on v1 and v2): unset writes nothing, a positive limit itself,
// 0 writes 1 (what systemd's TasksMax makes of 0, so the fs and systemd
// drivers agree), a negative one "max".
func pidsMax(p *specs.LinuxPids) (string, bool) {
	if p == nil || p.Limit == nil {
		return "", false
	}
	switch l := *p.Limit; {
	case l > 0:
		return num(l), true
	case l == 0:
		return "1", true
	}
	return "max", true
}
