package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// registry serves an OCI layout read-only with the pull half of the
// distribution API: GET and HEAD of /v2/, manifests by tag or digest, and
// blobs. containerd sends the upstream host of a mirrored pull as ?ns=, so
// "registry.k8s.io/pause:3.9" is looked up by ns, repository and tag.
type registry struct {
	dir   string
	refs  map[string]descriptor // full reference -> manifest
	types map[string]string     // manifest digest -> media type
}

var (
	manifestPath = regexp.MustCompile(`^/v2/(.+)/manifests/([^/]+)$`)
	blobPath     = regexp.MustCompile(`^/v2/(.+)/blobs/(sha256:[0-9a-f]{64})$`)
)

func loadRegistry(dir string) (*registry, error) {
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return nil, err
	}
	var idx struct{ Manifests []descriptor }
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("parse index.json: %w", err)
	}
	r := &registry{dir: dir, refs: map[string]descriptor{}, types: map[string]string{}}
	for _, d := range idx.Manifests {
		r.refs[d.Annotations[refName]] = d
		r.types[d.Digest] = d.MediaType
	}
	return r, nil
}

// lookup finds a manifest by repository and tag; without ns the first
// reference whose path ends in repo:tag wins.
func (r *registry) lookup(ns, repo, tag string) (descriptor, bool) {
	if ns != "" {
		d, ok := r.refs[ns+"/"+repo+":"+tag]
		return d, ok
	}
	for ref, d := range r.refs {
		if strings.HasSuffix(ref, "/"+repo+":"+tag) {
			return d, true
		}
	}
	return descriptor{}, false
}

func (r *registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	log.Printf("%s %s", req.Method, req.URL.RequestURI())
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		http.Error(w, "read-only registry", http.StatusMethodNotAllowed)
		return
	}
	if req.URL.Path == "/v2/" || req.URL.Path == "/v2" {
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		fmt.Fprint(w, "{}")
		return
	}
	if m := manifestPath.FindStringSubmatch(req.URL.Path); m != nil {
		digest, mt := m[2], r.types[m[2]]
		if !strings.HasPrefix(digest, "sha256:") {
			d, ok := r.lookup(req.URL.Query().Get("ns"), m[1], m[2])
			if !ok {
				notFound(w, "MANIFEST_UNKNOWN")
				return
			}
			digest, mt = d.Digest, d.MediaType
		}
		if mt == "" {
			notFound(w, "MANIFEST_UNKNOWN")
			return
		}
		r.blob(w, req, digest, mt)
		return
	}
	if m := blobPath.FindStringSubmatch(req.URL.Path); m != nil {
		r.blob(w, req, m[2], "application/octet-stream")
		return
	}
	notFound(w, "NAME_UNKNOWN")
}

func (r *registry) blob(w http.ResponseWriter, req *http.Request, digest, mt string) {
	p := filepath.Join(r.dir, "blobs", "sha256", strings.TrimPrefix(digest, "sha256:"))
	f, err := os.Open(p)
	if err != nil {
		notFound(w, "BLOB_UNKNOWN")
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", mt)
	w.Header().Set("Docker-Content-Digest", digest)
	http.ServeContent(w, req, "", st.ModTime(), f)
}

func notFound(w http.ResponseWriter, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintf(w, `{"errors":[{"code":%q,"message":"not served by this test registry"}]}`, code)
}

// serve listens on addr (a loopback address; port 0 picks one), writes the
// chosen address to addrFile and serves until killed.
func serve(dir, addr, addrFile string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("listen address %q: only loopback addresses are served", addr)
	}
	r, err := loadRegistry(dir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if addrFile != "" {
		if err := os.WriteFile(addrFile, []byte(ln.Addr().String()+"\n"), 0o644); err != nil {
			return err
		}
	}
	log.Printf("serving %d references from %s on %s", len(r.refs), dir, ln.Addr())
	return http.Serve(ln, r)
}
