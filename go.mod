module github.com/minirun/minirun

go 1.26.8

require (
	github.com/moby/sys/capability v0.5.0
	github.com/opencontainers/runtime-spec v1.3.0
	github.com/seccomp/libseccomp-golang v0.11.1
	golang.org/x/sys v0.50.0
)

require golang.org/x/net v0.62.0 // indirect
