package apparmor

import (
	"bytes"
	"fmt"
	"regexp"
	"text/template"
)

// DefaultName is the profile minirun generates when no name is given.
const DefaultName = "minirun-default"

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.+-]*$`)

// Options shape the generated profile.
type Options struct {
	Name       string
	RawNetwork bool // allow raw and packet sockets (ping, sniffers)
}

// The rules follow the spirit of Docker's docker-default: containers may
// do ordinary work, but not mount, not reach kernel knobs under /proc/sys
// and /sys, not read /proc/kcore or firmware, not ptrace outside the profile.
var profileTmpl = template.Must(template.New("profile").Parse(`#include <tunables/global>

profile {{.Name}} flags=(attach_disconnected,mediate_deleted) {
  #include <abstractions/base>

  network,
  capability,
  file,
  umount,
{{- if not .RawNetwork}}
  deny network raw,
  deny network packet,
{{- end}}
  signal (receive) peer=unconfined,
  signal (send,receive) peer={{.Name}},

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
  ptrace (trace,read,tracedby,readby) peer={{.Name}},
}
`))

// Generate renders the default profile.
func Generate(o Options) (string, error) {
	if o.Name == "" {
		o.Name = DefaultName
	}
	if !validName.MatchString(o.Name) {
		return "", fmt.Errorf("apparmor profile name %q: use letters, digits, '_', '.', '+', '-'", o.Name)
	}
	var b bytes.Buffer
	if err := profileTmpl.Execute(&b, o); err != nil {
		return "", err
	}
	return b.String(), nil
}
