// Package state owns the per-container state directory under --root: the
// saved record of a container (its cgroup record included), its id rules,
// whether its init is alive, and the one derivation of its status.
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/minirun/minirun/pkg/cgroups"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// DefaultRoot is where state lives without --root.
const DefaultRoot = "/run/minirun"

// Files inside a container's state directory.
const (
	recordFile = "state.json"
	configFile = "config.json"
	StartSock  = "start.sock"
)

// ErrNotExist is returned for an unknown container id; the message keeps
// runc's phrase "does not exist", which containerd and podman match.
var ErrNotExist = errors.New("does not exist")

// ErrExist is returned when the id is already taken.
var ErrExist = errors.New("already exists")

// Container is the saved record of one container: everything a later
// command knows of it, the cgroups minirun made for it included. The
// validated config is kept beside it (SaveConfig). Status derives the
// lifecycle state from it.
type Container struct {
	ID       string    `json:"id"`
	Bundle   string    `json:"bundle"`
	Rootfs   string    `json:"rootfs"`
	Pid      int       `json:"pid"`
	PidStart uint64    `json:"pidStart"`
	Created  time.Time `json:"created"`
	Started  bool      `json:"started"`
	// Creating is set with the init's pid and cleared once the init is
	// ready: until then its root is not yet the container's, and nothing
	// may join it. A record without it (an older minirun's) is ready.
	Creating    bool              `json:"creating,omitempty"`
	Owner       string            `json:"owner,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	// Cgroup is the container's cgroups and which of them minirun made
	// (cgroups.State, the ownership record); nil until create made them.
	// A record of an older version that still has "namespaces" (never
	// written) loads: unknown fields are ignored.
	Cgroup *cgroups.State `json:"cgroup,omitempty"`
	Audit  *Helper        `json:"audit,omitempty"` // the --audit supervisor minirun started
	// HostMounts is set for a container without a mount namespace whose
	// mounts go into the host's mount table: HostMountsBefore are the ids
	// of the mounts below the rootfs before the init ran, HostMountIDs the
	// ones it made (recorded once it has); delete removes only those.
	HostMounts       bool  `json:"hostMounts,omitempty"`
	HostMountsBefore []int `json:"hostMountsBefore,omitempty"`
	HostMountIDs     []int `json:"hostMountIds,omitempty"`

	dir string
}

// Helper is a process minirun started for the container (the --audit
// supervisor); its start time tells it from a later process with its pid.
type Helper struct {
	Pid   int    `json:"pid"`
	Start uint64 `json:"start"`
}

// idChar is runc's id alphabet, `[\w+\-.]`, checked by hand: a regexp
// would be compiled at the start of every command.
func idChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_+-.", c) >= 0
}

// ValidateID applies runc's id rule: letters, digits, _ + - . only, and
// never "." or "..", so an id can never escape the state root.
func ValidateID(id string) error {
	if id == "" {
		return fmt.Errorf("container id cannot be empty")
	}
	if len(id) > 1024 || strings.IndexFunc(id, func(r rune) bool { return r >= 0x80 || !idChar(byte(r)) }) >= 0 || id == "." || id == ".." {
		return fmt.Errorf("invalid container id %q: use letters, digits, '_', '+', '-', '.'", id)
	}
	return nil
}

// Dir returns the state directory of id.
func Dir(root, id string) string { return filepath.Join(root, id) }

// Create makes the state directory; it fails with ErrExist for a taken id.
func Create(root string, c *Container) error {
	if err := ValidateID(c.ID); err != nil {
		return err
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return fmt.Errorf("create state root %s: %w", root, err)
	}
	c.dir = Dir(root, c.ID)
	if err := os.Mkdir(c.dir, 0o700); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("container with id %q %w", c.ID, ErrExist)
		}
		return fmt.Errorf("create state dir: %w", err)
	}
	return nil
}

// Load reads the record of id.
func Load(root, id string) (*Container, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	dir := Dir(root, id)
	b, err := os.ReadFile(filepath.Join(dir, recordFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("container %q %w", id, ErrNotExist)
		}
		return nil, fmt.Errorf("%w: read state of %q: %w", ErrCorrupt, id, err)
	}
	var c Container
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%w: decode %s of %q: %w", ErrCorrupt, recordFile, id, err)
	}
	c.dir = dir
	return &c, nil
}

// Dir is the container's state directory.
func (c *Container) Dir() string { return c.dir }

// Save writes the record atomically, so a reader never sees half a file.
func (c *Container) Save() error {
	return writeAtomic(filepath.Join(c.dir, recordFile), c)
}

// SaveConfig keeps the validated config beside the record: exec, hooks at
// delete and update need it after the bundle may have changed.
func (c *Container) SaveConfig(s *specs.Spec) error {
	return writeAtomic(filepath.Join(c.dir, configFile), s)
}

// Config reads the saved config.
func (c *Container) Config() (*specs.Spec, error) {
	var s specs.Spec
	if err := c.readConfig(&s); err != nil {
		return nil, err
	}
	return &s, nil
}

// readConfig decodes the saved config into v: the whole spec, or a view
// of part of it (LifecycleConfig).
func (c *Container) readConfig(v any) error {
	b, err := os.ReadFile(filepath.Join(c.dir, configFile))
	if err != nil {
		return fmt.Errorf("read saved config: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode saved config: %w", err)
	}
	return nil
}

// Remove deletes the state directory.
func (c *Container) Remove() error {
	if err := os.RemoveAll(c.dir); err != nil {
		return fmt.Errorf("remove state dir: %w", err)
	}
	return nil
}

func writeAtomic(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename %s: %w", tmp, err)
	}
	return nil
}

// List returns the ids under root, sorted.
func List(root string) ([]string, error) {
	ents, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state root: %w", err)
	}
	var ids []string
	for _, e := range ents {
		if e.IsDir() && ValidateID(e.Name()) == nil {
			if _, err := os.Stat(filepath.Join(root, e.Name(), recordFile)); err == nil {
				ids = append(ids, e.Name())
			}
		}
	}
	sort.Strings(ids)
	return ids, nil
}
