package seccomp

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestCacheCompilesOncePerProfileAndVersion(t *testing.T) {
	calls := 0
	compile := func(sc *specs.LinuxSeccomp) ([]byte, []string, error) {
		calls++
		return make([]byte, 16), []string{"w"}, nil
	}
	c := Cache{Dir: t.TempDir(), Version: "v1"}
	p1 := &specs.LinuxSeccomp{DefaultAction: specs.ActAllow}
	for i := 0; i < 3; i++ {
		bpf, w, err := c.Get(p1, compile)
		if err != nil || len(bpf) != 16 || len(w) != 1 {
			t.Fatalf("get: %v %v %v", bpf, w, err)
		}
	}
	if calls != 1 {
		t.Fatalf("compiled %d times for one profile", calls)
	}
	c.Get(&specs.LinuxSeccomp{DefaultAction: specs.ActErrno}, compile)
	Cache{Dir: c.Dir, Version: "v2"}.Get(p1, compile)
	if calls != 3 {
		t.Fatalf("a new profile or compiler version must recompile: %d compiles", calls)
	}
	Cache{}.Get(p1, compile)
	if calls != 4 {
		t.Fatal("a disabled cache must compile")
	}
}
