//go:build cgo

package seccomp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

const nobody = 65534

// allowAll is a valid one-instruction program: return SECCOMP_RET_ALLOW.
var allowAll = []byte{0x06, 0, 0, 0, 0, 0, 0xff, 0x7f}

func denyMkdir() *specs.LinuxSeccomp {
	return &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Architectures: []specs.Arch{specs.ArchX86_64},
		Syscalls: []specs.LinuxSyscall{{Names: []string{"mkdir"}, Action: specs.ActErrno, ErrnoRet: u(13)}}}
}

// counting wraps the real compiler.
type counting struct{ n int }

func (c *counting) compile(sc *specs.LinuxSeccomp) ([]byte, []string, error) {
	c.n++
	return Compile(sc)
}

func testCache(t *testing.T, logged *[]string) Cache {
	return Cache{Dir: filepath.Join(t.TempDir(), CacheDirName), Identity: "go:test libseccomp api",
		Debugf: func(f string, a ...any) { *logged = append(*logged, fmt.Sprintf(f, a...)) }}
}

func writeEntryFile(t *testing.T, path string, e CacheEntry) {
	t.Helper()
	b, err := json.Marshal(e)
	must(t, err)
	must(t, os.WriteFile(path, b, 0o600))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCacheCompilesOncePerProfileAndIdentity(t *testing.T) {
	var logged []string
	c, n := testCache(t, &logged), &counting{}
	want := compile(t, denyMkdir())
	for i := 0; i < 3; i++ {
		bpf, _, err := c.Get(denyMkdir(), n.compile)
		if err != nil || !bytes.Equal(bpf, want) {
			t.Fatalf("get %d: %v, program differs: %v", i, err, !bytes.Equal(bpf, want))
		}
	}
	if n.n != 1 || len(logged) != 0 {
		t.Fatalf("compiled %d times for one profile, logged %q", n.n, logged)
	}
	c.Get(&specs.LinuxSeccomp{DefaultAction: specs.ActErrno}, n.compile)
	Cache{Dir: c.Dir, Identity: "go:other"}.Get(denyMkdir(), n.compile)
	if n.n != 3 {
		t.Fatalf("a new profile or compiler must recompile: %d compiles", n.n)
	}
	Cache{}.Get(denyMkdir(), n.compile)
	Cache{Dir: c.Dir}.Get(denyMkdir(), n.compile)
	if n.n != 5 {
		t.Fatal("a cache without a dir or an identity must compile")
	}
	var st unix.Stat_t
	must(t, unix.Lstat(c.Dir, &st))
	if st.Mode&0o777 != 0o700 || int(st.Uid) != os.Geteuid() {
		t.Errorf("cache dir mode %#o uid %d, want 0700 and the euid", st.Mode&0o777, st.Uid)
	}
	ents, _ := os.ReadDir(c.Dir)
	for _, e := range ents {
		fi, _ := e.Info()
		if strings.HasPrefix(e.Name(), ".tmp-") || fi.Mode().Perm() != 0o600 {
			t.Errorf("cache holds %s mode %v: want entries only, 0600", e.Name(), fi.Mode())
		}
	}
}

// Each setup plants something that must not be used; each must end in a
// fresh compile of the real filter (mkdir gets EACCES, not ALLOW).
func TestCacheRefusesUntrustedOrBadEntries(t *testing.T) {
	real := compile(t, denyMkdir())
	otherKey, _ := CacheKey("go:test libseccomp api", &specs.LinuxSeccomp{DefaultAction: specs.ActAllow})
	cases := []struct {
		name     string
		root     bool // needs root (chown)
		replaced bool // the bad entry is overwritten with the real one
		plant    func(t *testing.T, dir, key string)
	}{
		{"dir owned by nobody", true, false, func(t *testing.T, dir, key string) {
			must(t, os.Mkdir(dir, 0o700))
			writeEntryFile(t, filepath.Join(dir, key), NewCacheEntry(key, allowAll, nil))
			must(t, os.Chown(filepath.Join(dir, key), nobody, nobody))
			must(t, os.Chown(dir, nobody, nobody))
		}},
		{"entry owned by nobody", true, true, func(t *testing.T, dir, key string) {
			must(t, os.Mkdir(dir, 0o700))
			writeEntryFile(t, filepath.Join(dir, key), NewCacheEntry(key, allowAll, nil))
			must(t, os.Chown(filepath.Join(dir, key), nobody, nobody))
		}},
		{"dir mode 0777", false, false, func(t *testing.T, dir, key string) {
			must(t, os.Mkdir(dir, 0o700))
			must(t, os.Chmod(dir, 0o777))
			writeEntryFile(t, filepath.Join(dir, key), NewCacheEntry(key, allowAll, nil))
		}},
		{"entry mode 0666", false, true, func(t *testing.T, dir, key string) {
			must(t, os.Mkdir(dir, 0o700))
			writeEntryFile(t, filepath.Join(dir, key), NewCacheEntry(key, allowAll, nil))
			must(t, os.Chmod(filepath.Join(dir, key), 0o666))
		}},
		{"dir is a symlink", false, false, func(t *testing.T, dir, key string) {
			elsewhere := filepath.Join(filepath.Dir(dir), "elsewhere")
			must(t, os.Mkdir(elsewhere, 0o700))
			writeEntryFile(t, filepath.Join(elsewhere, key), NewCacheEntry(key, allowAll, nil))
			must(t, os.Symlink(elsewhere, dir))
		}},
		{"entry is a symlink", false, true, func(t *testing.T, dir, key string) {
			must(t, os.Mkdir(dir, 0o700))
			target := filepath.Join(filepath.Dir(dir), "planted")
			writeEntryFile(t, target, NewCacheEntry(key, allowAll, nil))
			must(t, os.Symlink(target, filepath.Join(dir, key)))
		}},
		{"different program, old checksum", false, true, func(t *testing.T, dir, key string) {
			must(t, os.Mkdir(dir, 0o700))
			e := NewCacheEntry(key, real, nil)
			e.BPF = allowAll
			writeEntryFile(t, filepath.Join(dir, key), e)
		}},
		{"another profile's entry", false, true, func(t *testing.T, dir, key string) {
			must(t, os.Mkdir(dir, 0o700))
			writeEntryFile(t, filepath.Join(dir, key), NewCacheEntry(otherKey, allowAll, nil))
		}},
		{"truncated entry", false, true, func(t *testing.T, dir, key string) {
			must(t, os.Mkdir(dir, 0o700))
			b, _ := json.Marshal(NewCacheEntry(key, real, nil))
			must(t, os.WriteFile(filepath.Join(dir, key), b[:len(b)/2], 0o600))
		}},
		{"empty program", false, true, func(t *testing.T, dir, key string) {
			must(t, os.Mkdir(dir, 0o700))
			writeEntryFile(t, filepath.Join(dir, key), NewCacheEntry(key, nil, nil))
		}},
		{"fifo", false, true, func(t *testing.T, dir, key string) {
			must(t, os.Mkdir(dir, 0o700))
			must(t, unix.Mkfifo(filepath.Join(dir, key), 0o600))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.root && os.Geteuid() != 0 {
				t.Skip("chown to nobody needs root")
			}
			var logged []string
			cache, n := testCache(t, &logged), &counting{}
			key, err := CacheKey(cache.Identity, denyMkdir())
			must(t, err)
			c.plant(t, cache.Dir, key)
			bpf, _, err := cache.Get(denyMkdir(), n.compile)
			if err != nil {
				t.Fatal(err)
			}
			if n.n != 1 || !bytes.Equal(bpf, real) || run(t, bpf, archX8664, 83) != retErrnoK|13 {
				t.Fatalf("compiles %d, real program %v: the planted entry was used", n.n, bytes.Equal(bpf, real))
			}
			if len(logged) == 0 {
				t.Error("no debug line says why the cache was not used")
			}
			cache.Get(denyMkdir(), n.compile)
			if c.replaced && n.n != 1 {
				t.Errorf("the bad entry was not replaced: %d compiles", n.n)
			}
			if !c.replaced && n.n != 2 {
				t.Errorf("an untrusted dir was used the second time: %d compiles", n.n)
			}
		})
	}
}
