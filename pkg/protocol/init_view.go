package protocol

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// initSpec is the config as the init decodes it: specs.Spec with the same
// JSON names, less the trees only the parent applies (linux.resources,
// linux.seccomp as rules, linux.intelRdt, linux.netDevices, and the other
// platforms). Why a view: the first time encoding/json decodes a struct
// type it builds field tables for every type that struct can reach, so a
// fresh init decoding specs.Spec paid about 1.3 ms for Resources, Windows,
// VM and the rest before its first mount, whatever the config held; this
// view reaches a fraction of them (docs/performance.md). The parent still
// sends the whole spec; what is left out here is listed in
// TestInitViewKeepsAllButParentTrees, which fails when runtime-spec gains
// a field neither side has decided on.
type initSpec struct {
	Version     string            `json:"ociVersion"`
	Process     *specs.Process    `json:"process,omitempty"`
	Root        *specs.Root       `json:"root,omitempty"`
	Hostname    string            `json:"hostname,omitempty"`
	Domainname  string            `json:"domainname,omitempty"`
	Mounts      []specs.Mount     `json:"mounts,omitempty"`
	Hooks       *specs.Hooks      `json:"hooks,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Linux       *initLinux        `json:"linux,omitempty"`
}

// initLinux is specs.Linux as the init decodes it (see initSpec).
type initLinux struct {
	UIDMappings       []specs.LinuxIDMapping           `json:"uidMappings,omitempty"`
	GIDMappings       []specs.LinuxIDMapping           `json:"gidMappings,omitempty"`
	Sysctl            map[string]string                `json:"sysctl,omitempty"`
	CgroupsPath       string                           `json:"cgroupsPath,omitempty"`
	Namespaces        []specs.LinuxNamespace           `json:"namespaces,omitempty"`
	Devices           []specs.LinuxDevice              `json:"devices,omitempty"`
	RootfsPropagation string                           `json:"rootfsPropagation,omitempty"`
	MaskedPaths       []string                         `json:"maskedPaths,omitempty"`
	ReadonlyPaths     []string                         `json:"readonlyPaths,omitempty"`
	MountLabel        string                           `json:"mountLabel,omitempty"`
	MemoryPolicy      *specs.LinuxMemoryPolicy         `json:"memoryPolicy,omitempty"`
	Personality       *specs.LinuxPersonality          `json:"personality,omitempty"`
	TimeOffsets       map[string]specs.LinuxTimeOffset `json:"timeOffsets,omitempty"`
}

// spec is the view as the specs.Spec the init's code reads.
func (v *initSpec) spec() *specs.Spec {
	if v == nil {
		return nil
	}
	s := &specs.Spec{Version: v.Version, Process: v.Process, Root: v.Root, Hostname: v.Hostname,
		Domainname: v.Domainname, Mounts: v.Mounts, Hooks: v.Hooks, Annotations: v.Annotations}
	if l := v.Linux; l != nil {
		s.Linux = &specs.Linux{UIDMappings: l.UIDMappings, GIDMappings: l.GIDMappings, Sysctl: l.Sysctl,
			CgroupsPath: l.CgroupsPath, Namespaces: l.Namespaces, Devices: l.Devices,
			RootfsPropagation: l.RootfsPropagation, MaskedPaths: l.MaskedPaths, ReadonlyPaths: l.ReadonlyPaths,
			MountLabel: l.MountLabel, MemoryPolicy: l.MemoryPolicy, Personality: l.Personality,
			TimeOffsets: l.TimeOffsets}
	}
	return s
}
