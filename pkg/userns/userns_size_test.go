package userns

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// 340 ranges with 10-digit ids pass the line limit but not the kernel's
// one-page write: refused here, with the field, not in the bootstrap.
func TestMapTextMustFitInAPage(t *testing.T) {
	var maps []specs.LinuxIDMapping
	for i := uint32(0); i < 300; i++ {
		maps = append(maps, specs.LinuxIDMapping{ContainerID: 1000000000 + i*10, HostID: 2000000000 + i*10, Size: 1})
	}
	err := validateRanges("linux.uidMappings", maps)
	if err == nil || !strings.Contains(err.Error(), "linux.uidMappings") || !strings.Contains(err.Error(), "4096") {
		t.Fatalf("300 long ranges: %v", err)
	}
	if err := validateRanges("linux.uidMappings", maps[:100]); err != nil {
		t.Fatalf("100 long ranges fit in a page: %v", err)
	}
}
