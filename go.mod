module github.com/minirun/minirun

go 1.26.8

require (
	github.com/cilium/ebpf v0.16.0
	github.com/moby/sys/capability v0.5.0
	github.com/opencontainers/runtime-spec v1.3.0
	github.com/seccomp/libseccomp-golang v0.11.1
	golang.org/x/net v0.62.0
	golang.org/x/sys v0.50.0
)

require golang.org/x/exp v0.0.0-20230224173230-c95f2b4c22f2 // indirect
