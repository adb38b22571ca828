package cgroups

import (
	"os"
	"path/filepath"
)

// blkioWeightFiles is runc's choice of files for blockIO.weight and
// weightDevice: blkio.weight where the kernel offers it (CFQ), otherwise
// BFQ's blkio.bfq.weight, the only weight file a kernel with the BFQ
// scheduler has.
func (s *State) blkioWeightFiles() (weight, device string) {
	if dir, ok := s.v1Dir("blkio"); ok {
		if _, err := os.Stat(filepath.Join(dir, "blkio.weight")); err != nil {
			return "blkio.bfq.weight", "blkio.bfq.weight_device"
		}
	}
	return "blkio.weight", "blkio.weight_device"
}
