package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

const (
	mtManifest = "application/vnd.oci.image.manifest.v1+json"
	mtConfig   = "application/vnd.oci.image.config.v1+json"
	mtLayer    = "application/vnd.oci.image.layer.v1.tar+gzip"
	mtIndex    = "application/vnd.oci.image.index.v1+json"
	refName    = "org.opencontainers.image.ref.name"
	// ctrName is the annotation `ctr images import` names an image by.
	ctrName = "io.containerd.image.name"
)

// epoch is every file's mtime, so the same inputs give the same digests.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// layout writes blobs into an OCI image layout directory.
type layout struct{ dir string }

func (l layout) put(mt string, data []byte) (descriptor, error) {
	sum := sha256.Sum256(data)
	hexsum := hex.EncodeToString(sum[:])
	p := filepath.Join(l.dir, "blobs", "sha256", hexsum)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return descriptor{}, fmt.Errorf("write blob %s: %w", p, err)
	}
	return descriptor{MediaType: mt, Digest: "sha256:" + hexsum, Size: int64(len(data))}, nil
}

// layerWriter builds one tar layer in memory.
type layerWriter struct {
	buf  bytes.Buffer
	tw   *tar.Writer
	dirs map[string]bool
}

func newLayer() *layerWriter {
	lw := &layerWriter{dirs: map[string]bool{}}
	lw.tw = tar.NewWriter(&lw.buf)
	return lw
}

func (lw *layerWriter) header(h *tar.Header) error {
	h.ModTime, h.Format = epoch, tar.FormatPAX
	return lw.tw.WriteHeader(h)
}

// dir adds a directory and its missing parents.
func (lw *layerWriter) dir(p string, mode int64) error {
	p = strings.Trim(path.Clean(p), "/")
	if p == "" || p == "." || lw.dirs[p] {
		return nil
	}
	if err := lw.dir(path.Dir(p), 0o755); err != nil {
		return err
	}
	lw.dirs[p] = true
	return lw.header(&tar.Header{Typeflag: tar.TypeDir, Name: p + "/", Mode: mode})
}

func (lw *layerWriter) file(p string, mode int64, data []byte) error {
	p = strings.Trim(path.Clean(p), "/")
	if err := lw.dir(path.Dir(p), 0o755); err != nil {
		return err
	}
	if err := lw.header(&tar.Header{Typeflag: tar.TypeReg, Name: p, Mode: mode, Size: int64(len(data))}); err != nil {
		return err
	}
	_, err := lw.tw.Write(data)
	return err
}

// link adds a hard link p to the executable target (both archive paths).
// The entry carries the target's mode, as docker's tars do: containerd
// applies a link entry's mode to the shared inode.
func (lw *layerWriter) link(p, target string) error {
	p = strings.Trim(path.Clean(p), "/")
	if err := lw.dir(path.Dir(p), 0o755); err != nil {
		return err
	}
	return lw.header(&tar.Header{Typeflag: tar.TypeLink, Name: p, Linkname: target, Mode: 0o755})
}

func (lw *layerWriter) symlink(p, target string) error {
	p = strings.Trim(path.Clean(p), "/")
	if err := lw.dir(path.Dir(p), 0o755); err != nil {
		return err
	}
	return lw.header(&tar.Header{Typeflag: tar.TypeSymlink, Name: p, Linkname: target, Mode: 0o777})
}

// finish closes the tar and stores it gzipped; it returns the layer's
// descriptor and its diff id (the digest of the uncompressed tar).
func (lw *layerWriter) finish(l layout) (descriptor, string, error) {
	if err := lw.tw.Close(); err != nil {
		return descriptor{}, "", err
	}
	raw := lw.buf.Bytes()
	sum := sha256.Sum256(raw)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	if _, err := zw.Write(raw); err != nil {
		return descriptor{}, "", err
	}
	if err := zw.Close(); err != nil {
		return descriptor{}, "", err
	}
	d, err := l.put(mtLayer, gz.Bytes())
	return d, "sha256:" + hex.EncodeToString(sum[:]), err
}

// busyboxLayer is a minimal busybox root: the static binary, a hard link per
// applet at the path busybox lists, and the usual top-level directories.
// Applets critest runs that Debian's busybox-static lacks are the helper.
func busyboxLayer(l layout, busybox string, helper []byte) (descriptor, string, error) {
	bin, err := os.ReadFile(busybox)
	if err != nil {
		return descriptor{}, "", fmt.Errorf("read busybox: %w", err)
	}
	out, err := exec.Command(busybox, "--list-full").Output()
	if err != nil {
		return descriptor{}, "", fmt.Errorf("busybox --list-full: %w", err)
	}
	lw := newLayer()
	for _, d := range []string{"dev", "proc", "sys", "root", "home", "var/run", "var/www", "etc", "usr/local/bin"} {
		if err := lw.dir(d, 0o755); err != nil {
			return descriptor{}, "", err
		}
	}
	if err := lw.dir("tmp", 0o1777); err != nil {
		return descriptor{}, "", err
	}
	if err := lw.file("bin/busybox", 0o755, bin); err != nil {
		return descriptor{}, "", err
	}
	for name, content := range map[string]string{"etc/passwd": basePasswd, "etc/group": baseGroup,
		"etc/hosts": "", "etc/resolv.conf": "", "etc/hostname": ""} {
		if err := lw.file(name, 0o644, []byte(content)); err != nil {
			return descriptor{}, "", err
		}
	}
	applets := strings.Fields(string(out))
	sort.Strings(applets)
	all := " " + strings.Join(applets, " ") + " "
	var helperAt string
	for _, a := range []string{"ipcs", "pgrep"} {
		if strings.Contains(all, "/"+a+" ") {
			continue
		}
		var err error
		if helperAt == "" {
			helperAt = "usr/bin/" + a
			err = lw.file(helperAt, 0o755, helper)
		} else {
			err = lw.link("usr/bin/"+a, helperAt)
		}
		if err != nil {
			return descriptor{}, "", err
		}
	}
	for _, a := range applets {
		if a == "bin/busybox" {
			continue
		}
		// Hard links, as in the busybox image: a masked path like /bin/ls
		// is then a file of its own, not a symlink to /bin/busybox.
		if err := lw.link(a, "bin/busybox"); err != nil {
			return descriptor{}, "", err
		}
	}
	return lw.finish(l)
}

// imageLayer holds what one image adds on top of busybox.
func imageLayer(l layout, im image, helper []byte) (descriptor, string, error) {
	lw := newLayer()
	if len(im.helperAs) > 0 {
		mode := int64(0o755)
		if im.setuid {
			mode = 0o4755
		}
		if err := lw.file(im.helperAs[0], mode, helper); err != nil {
			return descriptor{}, "", err
		}
		for _, alias := range im.helperAs[1:] {
			if err := lw.symlink(alias, im.helperAs[0]); err != nil {
				return descriptor{}, "", err
			}
		}
	}
	if im.marker != "" {
		if err := lw.file(im.marker, 0o644, nil); err != nil {
			return descriptor{}, "", err
		}
	}
	names := make([]string, 0, len(im.files))
	for p := range im.files {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		if err := lw.file(p, 0o644, []byte(im.files[p])); err != nil {
			return descriptor{}, "", err
		}
	}
	return lw.finish(l)
}

// build writes every catalog image into an OCI layout at dir, with one
// index entry per name.
func build(dir, busybox, helperPath string) error {
	l := layout{dir: dir}
	if err := os.MkdirAll(filepath.Join(dir, "blobs", "sha256"), 0o755); err != nil {
		return err
	}
	helper, err := os.ReadFile(helperPath)
	if err != nil {
		return fmt.Errorf("read helper: %w", err)
	}
	base, baseDiff, err := busyboxLayer(l, busybox, helper)
	if err != nil {
		return err
	}
	var index []descriptor
	for _, im := range catalog() {
		var layers []descriptor
		var diffs []string
		if im.busybox {
			layers, diffs = append(layers, base), append(diffs, baseDiff)
		}
		if len(im.helperAs) > 0 || im.marker != "" || len(im.files) > 0 {
			d, diff, err := imageLayer(l, im, helper)
			if err != nil {
				return fmt.Errorf("image %s: %w", im.names[0], err)
			}
			layers, diffs = append(layers, d), append(diffs, diff)
		}
		man, err := manifest(l, im, layers, diffs)
		if err != nil {
			return fmt.Errorf("image %s: %w", im.names[0], err)
		}
		for _, n := range im.names {
			d := man
			d.Annotations = map[string]string{refName: n, ctrName: n}
			index = append(index, d)
		}
	}
	idx, err := json.MarshalIndent(map[string]any{"schemaVersion": 2, "mediaType": mtIndex, "manifests": index}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "index.json"), idx, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644)
}

func manifest(l layout, im image, layers []descriptor, diffs []string) (descriptor, error) {
	env := append([]string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, im.env...)
	cfg := map[string]any{
		"architecture": "amd64",
		"os":           "linux",
		"created":      epoch.Format(time.RFC3339),
		"config": map[string]any{
			"Env": env, "Entrypoint": im.entrypoint, "Cmd": im.cmd,
			"User": im.user, "ExposedPorts": im.exposed(),
		},
		"rootfs":  map[string]any{"type": "layers", "diff_ids": diffs},
		"history": []map[string]any{{"created": epoch.Format(time.RFC3339), "created_by": "minirun imagetool: " + im.names[0]}},
	}
	cb, err := json.Marshal(cfg)
	if err != nil {
		return descriptor{}, err
	}
	cd, err := l.put(mtConfig, cb)
	if err != nil {
		return descriptor{}, err
	}
	if layers == nil {
		layers = []descriptor{}
	}
	mb, err := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": mtManifest, "config": cd, "layers": layers})
	if err != nil {
		return descriptor{}, err
	}
	return l.put(mtManifest, mb)
}
