package container

import (
	"os"
	"path/filepath"

	"github.com/minirun/minirun/pkg/logs"
	"github.com/minirun/minirun/pkg/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Version is the runtime's build version, part of the seccomp cache key.
var Version = "dev"

func compileSeccomp(g Global, s *specs.Spec) ([]byte, error) {
	if s.Linux.Seccomp == nil {
		return nil, nil
	}
	// Beside the state root, not in it: tools that list the root's
	// directories as containers must not find it.
	cache := seccomp.Cache{Dir: filepath.Clean(g.Root) + seccomp.CacheDirSuffix, Version: Version + " " + seccomp.LibraryVersion()}
	if os.Getenv("MINIRUN_SECCOMP_CACHE") == "off" {
		cache.Dir = ""
	}
	bpf, warnings, err := cache.Get(s.Linux.Seccomp, seccomp.Compile)
	for _, w := range warnings {
		logs.Warnf("%s", w)
	}
	return bpf, err
}
