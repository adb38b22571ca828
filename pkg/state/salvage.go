package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/minirun/minirun/pkg/cgroups"
)

// ErrCorrupt marks a record that exists but cannot be read or decoded
// (a disk filled mid-write by another tool, a truncated copy).
var ErrCorrupt = errors.New("corrupt state")

// Salvage reads what it can of a corrupt record: every top-level field
// complete before the damage. The fields come in the struct's order (id,
// bundle, rootfs, pid, pidStart, ..., cgroup), so a record cut
// short keeps its pid before its cgroup. Fields it could not read are zero
// and named in lost.
func Salvage(root, id string) (c *Container, lost []string, err error) {
	if err := ValidateID(id); err != nil {
		return nil, nil, err
	}
	dir := Dir(root, id)
	b, err := os.ReadFile(filepath.Join(dir, recordFile))
	if err != nil {
		b = nil // unreadable: nothing to salvage, the dir can still go
	}
	fields := map[string]json.RawMessage{}
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err == nil && t == json.Delim('{') {
		for dec.More() {
			k, err := dec.Token()
			key, ok := k.(string)
			var v json.RawMessage
			if err != nil || !ok || dec.Decode(&v) != nil {
				break
			}
			fields[key] = v
		}
	}
	c = &Container{dir: dir}
	// A cgroup record that is whole JSON but not a cgroup record is lost
	// alone, not the rest with it.
	if raw, ok := fields["cgroup"]; ok && json.Unmarshal(raw, new(cgroups.State)) != nil {
		delete(fields, "cgroup")
	}
	for _, key := range []string{"pid", "pidStart", "cgroup"} {
		if _, ok := fields[key]; !ok {
			lost = append(lost, key)
		}
	}
	whole, err := json.Marshal(fields)
	if err == nil {
		err = json.Unmarshal(whole, c)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("salvage state of %q: %w", id, err)
	}
	c.dir = dir
	return c, lost, nil
}
