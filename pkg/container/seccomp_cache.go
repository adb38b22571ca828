package container

import (
	"os"
	"path/filepath"

	"github.com/minirun/minirun/pkg/logs"
	"github.com/minirun/minirun/pkg/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Version is the runtime's release name, set by main. The seccomp cache
// does not key on it: a release name stays the same across rebuilds of
// changed code, the build id does not.
var Version = "dev"

func compileSeccomp(g Global, s *specs.Spec) ([]byte, error) {
	if s.Linux.Seccomp == nil {
		return nil, nil
	}
	bpf, warnings, err := seccompCache(g.Root).Get(s.Linux.Seccomp, seccomp.Compile)
	for _, w := range warnings {
		logs.Warnf("%s", w)
	}
	return bpf, err
}

// seccompCache is the compiled-filter cache inside the state root (made
// 0700 by state.Create), not beside it, where anyone able to write the
// root's parent could make the directory first. Without a build id to key
// on, the filter is compiled every time.
func seccompCache(root string) seccomp.Cache {
	if os.Getenv("MINIRUN_SECCOMP_CACHE") == "off" {
		return seccomp.Cache{}
	}
	id, err := seccomp.Identity("/proc/self/exe")
	if err != nil {
		logs.Debugf("seccomp cache not used: %v", err)
		return seccomp.Cache{}
	}
	return seccomp.Cache{Dir: filepath.Join(root, seccomp.CacheDirName), Identity: id, Debugf: logs.Debugf}
}
