package container

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/minirun/minirun/pkg/seccomp"
	"github.com/minirun/minirun/pkg/state"
)

// The cache lives inside the state root, so nothing that takes the root's
// directories for containers may see it: its name is no valid id.
func TestSeccompCacheDirIsNoContainer(t *testing.T) {
	if err := state.ValidateID(seccomp.CacheDirName); err == nil {
		t.Fatalf("%q is a valid container id: create could take it, delete --force could remove it", seccomp.CacheDirName)
	}
	root := t.TempDir()
	dir := filepath.Join(root, seccomp.CacheDirName)
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// Even with what a container's directory holds.
	os.WriteFile(filepath.Join(dir, "state.json"), []byte("{}"), 0o600)
	ids, err := state.List(root)
	if err != nil || len(ids) != 0 {
		t.Fatalf("list of a root holding only the cache: %v %v", ids, err)
	}
	if os.Getenv("MINIRUN_SECCOMP_CACHE") == "off" {
		return
	}
	if c := seccompCache(root); c.Dir != dir || c.Identity == "" {
		t.Fatalf("cache dir %q identity %q, want %s keyed by this build", c.Dir, c.Identity, dir)
	}
}
