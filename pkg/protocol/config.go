package protocol

import (
	"encoding/json"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Config is message 3: everything the child needs, validated by the parent.
// Fd fields are numbers in the child; -1 means absent.
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
	ConsoleFd    int               `json:"consoleFd"`
	// LogFd is the init's log channel under --debug (a pipe the parent
	// reads and re-emits; pkg/logs forward.go); below 3 (unset, -1): none.
	LogFd int `json:"logFd,omitempty"`
	// RelayedTerminal: minirun itself relays the pty (no --console-socket),
	// so the init clears ONLCR before the process can write (runc's output).
	RelayedTerminal bool   `json:"relayedTerminal,omitempty"`
	StartFd         int    `json:"startFd"`
	FirstFreeFd     int    `json:"firstFreeFd"` // fds below it (from 3) are preserved for the process
	Seccomp         []byte `json:"seccomp,omitempty"`
	// With SCMP_ACT_NOTIFY: the listener connection and the process state
	// sent with the notify fd (runc's ContainerProcessState).
	SeccompListenerFd int    `json:"seccompListenerFd"`
	SeccompState      []byte `json:"seccompState,omitempty"`
	SeccompFlags      uint   `json:"seccompFlags,omitempty"`
	// MountSourceFds: mount index -> fd of the bind source tree the parent
	// cloned outside the user namespace (rootfs.OpenSources).
	MountSourceFds map[int]int `json:"mountSourceFds,omitempty"`
}

// How the container gets its filesystem view.
const (
	MountNSNew    = "new"    // build the rootfs and pivot_root into it
	MountNSJoined = "joined" // build the rootfs inside the joined namespace, as runc does
	MountNSHost   = "host"   // no mount namespace: chroot only, never touch the host's mounts
)

// HookState rides on HooksDone and Start: the state JSON hooks get on stdin.
type HookState struct {
	Message
	State json.RawMessage `json:"state,omitempty"`
}
