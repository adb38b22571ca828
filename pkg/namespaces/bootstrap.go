package namespaces

import (
	"fmt"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Bootstrap is what the C constructor needs: the namespaces to join (by fd
// number in the child), those to create, and the id maps of a new user namespace.
type Bootstrap struct {
	CloneFlags    uintptr
	JoinFds       []JoinFd
	UIDMappings   []specs.LinuxIDMapping
	GIDMappings   []specs.LinuxIDMapping
	SetgroupsDeny bool
	TimeOffsets   map[string]specs.LinuxTimeOffset
	CgroupTasks   []string // v1 tasks files the bootstrap moves itself into
}

// JoinFd is a namespace fd as numbered in the child.
type JoinFd struct {
	Flag uintptr
	Fd   int
}

// Encode renders the text form that nsenter.c parses.
func (b Bootstrap) Encode() []byte {
	var sb strings.Builder
	fmt.Fprintf(&sb, "clone %x\n", b.CloneFlags)
	for _, j := range b.JoinFds {
		fmt.Fprintf(&sb, "join %x %d\n", j.Flag, j.Fd)
	}
	for _, m := range b.UIDMappings {
		fmt.Fprintf(&sb, "uidmap %d %d %d\n", m.ContainerID, m.HostID, m.Size)
	}
	for _, m := range b.GIDMappings {
		fmt.Fprintf(&sb, "gidmap %d %d %d\n", m.ContainerID, m.HostID, m.Size)
	}
	if b.SetgroupsDeny {
		sb.WriteString("setgroups deny\n")
	}
	for _, t := range b.CgroupTasks {
		fmt.Fprintf(&sb, "cgroup %s\n", t)
	}
	for clock, off := range b.TimeOffsets {
		fmt.Fprintf(&sb, "timens %s %d %d\n", clock, off.Secs, off.Nanosecs)
	}
	return []byte(sb.String())
}
