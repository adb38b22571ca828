package apparmor

import (
	"fmt"
	"strings"
)

// DefaultName is the profile minirun generates when no name is given.
const DefaultName = "minirun-default"

// validName is `^[A-Za-z0-9][A-Za-z0-9_.+-]*$`, checked by hand: a regexp
// would be compiled at the start of every command.
func validName(n string) bool {
	for i := 0; i < len(n); i++ {
		c := n[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || strings.IndexByte("_.+-", c) < 0) {
			return false
		}
	}
	return n != ""
}

// Options shape the generated profile.
type Options struct {
	Name       string
	RawNetwork bool // allow raw and packet sockets (ping, sniffers)
}

// The rules follow the spirit of Docker's docker-default: containers may
// do ordinary work, but not mount, not reach kernel knobs under /proc/sys
// and /sys, not read /proc/kcore or firmware, not ptrace outside the profile.
// The profile is plain text with two holes, NAME and RAWNET, filled by
// Generate (a template engine here would be linked into every command).
const profileText = `#include <tunables/global>

profile NAME flags=(attach_disconnected,mediate_deleted) {
  #include <abstractions/base>

  network,
  capability,
  file,
  umount,RAWNET
  signal (receive) peer=unconfined,
  signal (send,receive) peer=NAME,

  deny mount,
  deny pivot_root,

  deny @{PROC}/* w,   # deny write for all files directly in /proc (not in a subdir)
  deny @{PROC}/{[^1-9],[^1-9][^0-9],[^1-9s][^0-9y][^0-9s],[^1-9][^0-9][^0-9][^0-9/]*}/** w,
  deny @{PROC}/sys/[^k]** w,
  deny @{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} w,
  deny @{PROC}/sysrq-trigger rwklx,
  deny @{PROC}/kcore rwklx,
  deny @{PROC}/kmem rwklx,
  deny @{PROC}/mem rwklx,

  deny /sys/[^f]*/** wklx,
  deny /sys/f[^s]*/** wklx,
  deny /sys/fs/[^c]*/** wklx,
  deny /sys/fs/c[^g]*/** wklx,
  deny /sys/fs/cg[^r]*/** wklx,
  deny /sys/firmware/** rwklx,
  deny /sys/devices/virtual/powercap/** rwklx,
  deny /sys/kernel/security/** rwklx,

  # Only processes under this profile may be traced.
  ptrace (trace,read,tracedby,readby) peer=NAME,
}
`

// Generate renders the default profile.
func Generate(o Options) (string, error) {
	if o.Name == "" {
		o.Name = DefaultName
	}
	if !validName(o.Name) {
		return "", fmt.Errorf("apparmor profile name %q: use letters, digits, '_', '.', '+', '-'", o.Name)
	}
	rawNet := "\n  deny network raw,\n  deny network packet,"
	if o.RawNetwork {
		rawNet = ""
	}
	// One pass: text a replacement puts in is never scanned again, so a
	// name spelled "RAWNET" stays a name.
	return strings.NewReplacer("RAWNET", rawNet, "NAME", o.Name).Replace(profileText), nil
}
