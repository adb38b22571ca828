package cgroups

import (
	"os"
	"strings"
	"testing"

	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"
)

func TestLoadDeviceProgramRefusalCarriesVerifierLog(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("bpf(2) program loading needs root")
	}
	// Exits without setting R0: the verifier refuses it and says why.
	_, err := loadDeviceProgram(asm.Instructions{asm.Return()})
	if err == nil {
		t.Fatal("a program that never sets R0 was loaded")
	}
	if !strings.Contains(err.Error(), "R0") {
		t.Fatalf("refusal without the verifier's reason: %v", err)
	}
	fd, err := loadDeviceProgram(deviceProgram(devRules(nil)))
	if err != nil {
		t.Fatalf("default-deny program refused: %v", err)
	}
	unix.Close(fd)
}
