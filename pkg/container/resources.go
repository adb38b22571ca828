package container

import specs "github.com/opencontainers/runtime-spec/specs-go"

// Resources is the spec's linux.resources, as `update` edits it.
type Resources = specs.LinuxResources
