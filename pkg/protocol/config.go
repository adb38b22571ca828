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
	NoNewKeyring bool              `json:"noNewKeyring,omitempty"`
	InUserNS     bool              `json:"inUserNS,omitempty"`
	CgroupDirs   map[string]string `json:"cgroupDirs,omitempty"`
	ConsoleFd    int               `json:"consoleFd"`
	StartFd      int               `json:"startFd"`
	FirstFreeFd  int               `json:"firstFreeFd"` // fds below it (from 3) are preserved for the process
	Seccomp      []byte            `json:"seccomp,omitempty"`
	SeccompFlags uint              `json:"seccompFlags,omitempty"`
	Warnings     []string          `json:"warnings,omitempty"`
}

// HookState rides on HooksDone and Start: the state JSON hooks get on stdin.
type HookState struct {
	Message
	State json.RawMessage `json:"state,omitempty"`
}
