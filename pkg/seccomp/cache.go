package seccomp

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// CacheDirSuffix names the cache directory beside the state root.
const CacheDirSuffix = ".seccomp-cache"

// Cache stores compiled filters keyed by the profile and the compiler, so
// repeated starts with one profile skip libseccomp entirely.
type Cache struct {
	Dir     string // "" disables the cache
	Version string // compiler identity: minirun and libseccomp versions
}

func (c Cache) key(sc *specs.LinuxSeccomp) (string, error) {
	b, err := json.Marshal(sc)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(c.Version))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Get returns a cached program and its warnings, or compiles and stores it.
func (c Cache) Get(sc *specs.LinuxSeccomp, compile func(*specs.LinuxSeccomp) ([]byte, []string, error)) ([]byte, []string, error) {
	if c.Dir == "" {
		return compile(sc)
	}
	key, err := c.key(sc)
	if err != nil {
		return compile(sc)
	}
	path := filepath.Join(c.Dir, key)
	var e entry
	if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &e) == nil && len(e.BPF) > 0 && len(e.BPF)%8 == 0 {
		return e.BPF, e.Warnings, nil
	}
	bpf, warnings, err := compile(sc)
	if err != nil {
		return nil, nil, err
	}
	// A cache that cannot be written costs only speed.
	_ = c.store(path, entry{BPF: bpf, Warnings: warnings})
	return bpf, warnings, nil
}

type entry struct {
	BPF      []byte   `json:"bpf"`
	Warnings []string `json:"warnings,omitempty"`
}

func (c Cache) store(path string, e entry) error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(c.Dir, ".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("store compiled filter: %w", err)
	}
	return nil
}
