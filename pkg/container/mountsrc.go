package container

import (
	"os"

	"github.com/minirun/minirun/pkg/namespaces"
	"github.com/minirun/minirun/pkg/rootfs"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// mountSources are the bind sources create clones outside a user
// namespace, where the container's mapped root may not reach them (runc
// opens them from outside too); see rootfs.OpenSources.
type mountSources struct {
	files []*os.File
	index []int // mount index of each file
}

func openMountSources(s *specs.Spec, rootfsPath string) (*mountSources, error) {
	if !namespaces.Has(s, specs.UserNamespace) {
		return &mountSources{}, nil
	}
	files, index, err := rootfs.OpenSources(s, rootfsPath)
	if err != nil {
		return nil, err
	}
	return &mountSources{files: files, index: index}, nil
}

// Close drops the parent's copies once the child holds its own.
func (m *mountSources) Close() {
	for _, f := range m.files {
		f.Close()
	}
}

// byIndex names each tree by its mount index, the slot the child finds it in.
func (m *mountSources) byIndex() map[int]*os.File {
	if len(m.index) == 0 {
		return nil
	}
	out := map[int]*os.File{}
	for k, i := range m.index {
		out[i] = m.files[k]
	}
	return out
}
