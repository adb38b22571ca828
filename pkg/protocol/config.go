package protocol

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Config is message 3: everything the child needs, validated by the parent.
// The child decodes Spec through initSpec: only what it applies itself.
type Config struct {
	Exec         bool              `json:"exec"` // join a running container rather than build one
	ID           string            `json:"id"`
	Spec         *specs.Spec       `json:"spec"` // for exec, Process is the exec'd process
	Rootfs       string            `json:"rootfs"`
	NoPivot      bool              `json:"noPivot,omitempty"`
	MountNS      string            `json:"mountNS"` // MountNSNew, MountNSJoined or MountNSHost
	NoNewKeyring bool              `json:"noNewKeyring,omitempty"`
	InUserNS     bool              `json:"inUserNS,omitempty"`
	CgroupDirs   map[string]string `json:"cgroupDirs,omitempty"`
	// Fds numbers the slots the parent filled (FdSlots.Layout). Fds.Log
	// is the init's log channel under --debug (a pipe the parent reads
	// and re-emits; pkg/logs forward.go).
	Fds ChildFds `json:"fds"`
	// RelayedTerminal: minirun itself relays the pty (no --console-socket),
	// so the init clears ONLCR before the process can write (runc's output).
	RelayedTerminal bool   `json:"relayedTerminal,omitempty"`
	Seccomp         []byte `json:"seccomp,omitempty"`
	// With SCMP_ACT_NOTIFY: the process state sent with the notify fd
	// over Fds.Listener (runc's ContainerProcessState).
	SeccompState []byte `json:"seccompState,omitempty"`
	SeccompFlags uint   `json:"seccompFlags,omitempty"`
	// SeccompNotify: the filter has SCMP_ACT_NOTIFY rules, so the init
	// sends its listener fd. Decided here because the init does not
	// decode linux.seccomp (initSpec).
	SeccompNotify bool `json:"seccompNotify,omitempty"`
}

// How the container gets its filesystem view.
const (
	MountNSNew    = "new"    // build the rootfs and pivot_root into it
	MountNSJoined = "joined" // build the rootfs inside the joined namespace, as runc does
	MountNSHost   = "host"   // no mount namespace: chroot only, never touch the host's mounts
)
