// Package userns owns uid/gid mappings: their validation and the
// translation of container ids to host ids (for chown of what the runtime
// creates on the container's behalf).
package userns

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Validate checks that mappings and a new user namespace come together and
// that each mapping is sane.
func Validate(s *specs.Spec, newUserNS, joinsUserNS bool) error {
	l := s.Linux
	hasMaps := len(l.UIDMappings) > 0 || len(l.GIDMappings) > 0
	if newUserNS && (len(l.UIDMappings) == 0 || len(l.GIDMappings) == 0) {
		return fmt.Errorf("linux.uidMappings: a new user namespace needs both uidMappings and gidMappings")
	}
	if hasMaps && !newUserNS {
		if joinsUserNS {
			return checkJoined(s, "/proc")
		}
		return fmt.Errorf("linux.uidMappings: mappings need a user namespace in linux.namespaces")
	}
	if err := validateRanges("linux.uidMappings", l.UIDMappings); err != nil {
		return err
	}
	return validateRanges("linux.gidMappings", l.GIDMappings)
}

// The kernel accepts at most 340 lines per map, written in one write(2)
// of less than a page (user_namespaces(7); map_write refuses 4096 bytes).
const (
	maxLines    = 340
	maxMapBytes = 4096
)

func validateRanges(field string, maps []specs.LinuxIDMapping) error {
	if len(maps) > maxLines {
		return fmt.Errorf("%s: %d ranges, the kernel takes at most %d", field, len(maps), maxLines)
	}
	if n := mapTextLen(maps); n >= maxMapBytes {
		return fmt.Errorf("%s: the map is %d bytes as text, the kernel takes less than %d", field, n, maxMapBytes)
	}
	for i, m := range maps {
		if m.Size == 0 {
			return fmt.Errorf("%s[%d].size: must be positive", field, i)
		}
		if uint64(m.ContainerID)+uint64(m.Size) > 1<<32-1 || uint64(m.HostID)+uint64(m.Size) > 1<<32-1 {
			return fmt.Errorf("%s[%d]: range overflows 32-bit ids", field, i)
		}
		for j := 0; j < i; j++ {
			o := maps[j]
			if overlap(m.ContainerID, o.ContainerID, m.Size, o.Size) {
				return fmt.Errorf("%s[%d]: containerID range overlaps %s[%d]", field, i, field, j)
			}
			if overlap(m.HostID, o.HostID, m.Size, o.Size) {
				return fmt.Errorf("%s[%d]: hostID range overlaps %s[%d]", field, i, field, j)
			}
		}
	}
	return nil
}

func overlap(a, b, asz, bsz uint32) bool {
	return uint64(a) < uint64(b)+uint64(bsz) && uint64(b) < uint64(a)+uint64(asz)
}

// HostID maps a container id to the host, or reports that it is unmapped.
// With no mappings the ids are the host's own.
func HostID(maps []specs.LinuxIDMapping, id uint32) (uint32, error) {
	if len(maps) == 0 {
		return id, nil
	}
	for _, m := range maps {
		if id >= m.ContainerID && uint64(id) < uint64(m.ContainerID)+uint64(m.Size) {
			return m.HostID + (id - m.ContainerID), nil
		}
	}
	return 0, fmt.Errorf("container id %d is not mapped", id)
}

// mapTextLen is the size of the uid_map/gid_map text the bootstrap writes.
func mapTextLen(maps []specs.LinuxIDMapping) int {
	n := 0
	for _, m := range maps {
		n += len(fmt.Sprintf("%d %d %d\n", m.ContainerID, m.HostID, m.Size))
	}
	return n
}
