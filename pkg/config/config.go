// Package config owns reading a bundle's config.json and validating all of
// it before the first fork: each feature package checks its own section,
// this package checks the process, the version and what ties them together.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// maxConfigSize keeps a hostile config.json from exhausting memory.
const maxConfigSize = 32 << 20

// Load reads BUNDLE/config.json and returns the spec and the absolute,
// symlink-free rootfs path.
func Load(bundle string) (*specs.Spec, string, error) {
	path := filepath.Join(bundle, "config.json")
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, "", fmt.Errorf("config.json not found in bundle %s", bundle)
		}
		return nil, "", fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if n, err := buf.ReadFrom(io.LimitReader(f, maxConfigSize+1)); err != nil {
		return nil, "", fmt.Errorf("read %s: %w", path, err)
	} else if n > maxConfigSize {
		return nil, "", fmt.Errorf("%s: larger than %d bytes", path, maxConfigSize)
	}
	s, err := Parse(buf.Bytes())
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	rootfs, err := resolveRootfs(bundle, s.Root)
	if err != nil {
		return nil, "", err
	}
	resolveBindSources(bundle, s)
	return s, rootfs, nil
}

// Parse decodes a config; unknown fields are allowed (the spec may grow).
func Parse(b []byte) (*specs.Spec, error) {
	var s specs.Spec
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("malformed JSON: trailing data after the config object")
	}
	return &s, nil
}

func resolveRootfs(bundle string, root *specs.Root) (string, error) {
	if root == nil || root.Path == "" {
		return "", fmt.Errorf("root.path: is required")
	}
	p := root.Path
	if !filepath.IsAbs(p) {
		p = filepath.Join(bundle, p)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("root.path: %w", err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("root.path: rootfs %s: %w", abs, unwrapPathErr(err))
	}
	st, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("root.path: rootfs %s: %w", abs, err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("root.path: rootfs %s is not a directory", abs)
	}
	if real == "/" {
		return "", fmt.Errorf("root.path: the host's / cannot be a container rootfs")
	}
	return real, nil
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// CheckVersion accepts any 1.x ociVersion.
func CheckVersion(v string) error {
	if v == "" {
		return fmt.Errorf("ociVersion: is required")
	}
	if !strings.HasPrefix(v, "1.") {
		return fmt.Errorf("ociVersion: unsupported version %q (want 1.x)", v)
	}
	return nil
}
