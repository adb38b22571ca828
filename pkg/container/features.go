package container

import (
	"github.com/minirun/minirun/pkg/caps"
	"github.com/minirun/minirun/pkg/config"
	"github.com/minirun/minirun/pkg/namespaces"
	"github.com/minirun/minirun/pkg/rootfs"
	"github.com/minirun/minirun/pkg/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-spec/specs-go/features"
)

// Features describes what this runtime implements (runtime-spec features.md).
func Features() features.Features {
	t := true
	mountOpts := rootfs.MountOptions()
	return features.Features{
		OCIVersionMin: "1.0.0",
		OCIVersionMax: specs.Version,
		Hooks:         []string{"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"},
		MountOptions:  mountOpts,
		Linux: &features.Linux{
			Namespaces:   namespaces.Types(),
			Capabilities: allCapNames(),
			Cgroup:       &features.Cgroup{V1: &t, V2: &t, Systemd: &t, SystemdUser: nil},
			Seccomp: &features.Seccomp{
				Enabled:        &t,
				Actions:        seccomp.SupportedActions(),
				Operators:      seccomp.SupportedOperators(),
				Archs:          []string{"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32"},
				SupportedFlags: seccomp.SupportedFlags(),
			},
			Apparmor:        &features.Apparmor{Enabled: &t},
			Selinux:         &features.Selinux{Enabled: &t},
			MemoryPolicy:    &features.MemoryPolicy{Modes: config.MemoryPolicyModes(), Flags: config.MemoryPolicyFlags()},
			MountExtensions: &features.MountExtensions{IDMap: &features.IDMap{Enabled: &t}},
			NetDevices:      &features.NetDevices{Enabled: &t},
		},
		Annotations: map[string]string{"org.opencontainers.runc.checkpoint.enabled": "false"},
	}
}

func allCapNames() []string { return caps.AllNames() }
