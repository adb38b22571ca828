package integration

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minirun/minirun/pkg/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

const nobody = 65534

// allowAll is a one-instruction BPF program: return SECCOMP_RET_ALLOW.
var allowAll = []byte{0x06, 0, 0, 0, 0, 0, 0xff, 0x7f}

func mkdirDenied() *specs.LinuxSeccomp {
	return &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Architectures: []specs.Arch{specs.ArchX86_64},
		Syscalls: []specs.LinuxSyscall{{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActErrno, ErrnoRet: errnoPtr(13)}}}
}

// plantOld puts an allow-all entry where the old cache read it: beside the
// root, keyed by the version `minirun --version` prints and the profile.
func plantOld(t *testing.T, root string, sc *specs.LinuxSeccomp) string {
	t.Helper()
	dir := filepath.Clean(root) + ".seccomp-cache"
	prof, err := json.Marshal(sc)
	must(t, err)
	out, err := exec.Command(minirun, "--version").Output()
	must(t, err)
	version := strings.TrimPrefix(strings.SplitN(string(out), "\n", 2)[0], "minirun version ")
	h := sha256.Sum256(append([]byte(version+" "+seccomp.LibraryVersion()+"\x00"), prof...))
	entry, err := json.Marshal(map[string][]byte{"bpf": allowAll})
	must(t, err)
	must(t, os.MkdirAll(dir, 0o755))
	path := filepath.Join(dir, hex.EncodeToString(h[:]))
	must(t, os.WriteFile(path, entry, 0o644))
	must(t, os.Chown(dir, nobody, nobody))
	must(t, os.Chown(path, nobody, nobody))
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// runMkdir runs a container whose profile denies mkdir and reports whether
// the filter was loaded and mkdir was denied.
func runMkdir(e *env, id string, sc *specs.LinuxSeccomp) (mode2, denied bool, out string) {
	e.t.Helper()
	b := e.bundle(id, func(s *specs.Spec) {
		s.Root.Readonly = false
		s.Linux.Seccomp = sc
		s.Process.Args = []string{"sh", "-c", "grep Seccomp: /proc/self/status; mkdir /tmp/x 2>&1 && echo MKDIR-OK; true"}
	})
	out = e.ok("run", "--bundle", b, id)
	return strings.Contains(out, "Seccomp:\t2"), strings.Contains(out, "Permission denied") && !strings.Contains(out, "MKDIR-OK"), out
}

// plantNew puts a well-formed allow-all entry (right key, right checksum)
// where the cache inside the root reads it; how says who owns what.
func plantNew(t *testing.T, root string, sc *specs.LinuxSeccomp, how string) string {
	t.Helper()
	identity, err := seccomp.Identity(minirun)
	must(t, err)
	key, err := seccomp.CacheKey(identity, sc)
	must(t, err)
	b, err := json.Marshal(seccomp.NewCacheEntry(key, allowAll, nil))
	must(t, err)
	dir := filepath.Join(root, seccomp.CacheDirName)
	must(t, os.RemoveAll(dir))
	must(t, os.Mkdir(dir, 0o700))
	path := filepath.Join(dir, key)
	must(t, os.WriteFile(path, b, 0o600))
	switch how {
	case "dir and entry by nobody":
		must(t, os.Chown(path, nobody, nobody))
		must(t, os.Chown(dir, nobody, nobody))
	case "entry by nobody":
		must(t, os.Chown(path, nobody, nobody))
	case "dir 0777":
		must(t, os.Chmod(dir, 0o777))
	case "by root": // the control: a trusted entry is used
	default:
		t.Fatalf("plant %q?", how)
	}
	return path
}

// A filter planted by an unprivileged user in the compiled-filter cache,
// beside the root (the old place) or inside it, must never replace the
// profile's: the container still gets EACCES from mkdir.
func TestSeccompCacheRefusesPlantedEntries(t *testing.T) {
	e := newEnv(t)
	sc := mkdirDenied()
	plantOld(t, e.root, sc)
	for i, how := range []string{"dir and entry by nobody", "entry by nobody", "dir 0777"} {
		entry := plantNew(t, e.root, sc, how)
		if mode2, denied, out := runMkdir(e, fmt.Sprintf("c%d", i), sc); !mode2 || !denied {
			t.Errorf("allow-all planted beside the root and inside it (%s): %q, want Seccomp 2 and mkdir denied", how, out)
		}
		var st unix.Stat_t
		must(t, unix.Stat(entry, &st))
		if how == "entry by nobody" && (st.Uid != 0 || st.Mode&0o777 != 0o600) {
			t.Errorf("%s: the refused entry was not replaced by a compiled one: uid %d mode %#o", how, st.Uid, st.Mode&0o777)
		}
	}
	// The control: the same entry owned by root is used, so the refusals
	// above are for ownership and mode, not a misplaced plant.
	plantNew(t, e.root, sc, "by root")
	if _, denied, out := runMkdir(e, "control", sc); denied {
		t.Fatalf("a root-owned planted entry was not read (%q): the test plants in the wrong place", out)
	}
	// The cache dir in the root is no container to list or delete.
	if out := e.ok("list", "-q"); strings.TrimSpace(out) != "" {
		t.Errorf("list shows %q", out)
	}
	if r := e.run("delete", "--force", seccomp.CacheDirName); r.code == 0 {
		t.Errorf("delete --force %s succeeded", seccomp.CacheDirName)
	}
	if _, err := os.Stat(filepath.Join(e.root, seccomp.CacheDirName)); err != nil {
		t.Errorf("the cache dir went: %v", err)
	}
	// Besides the cache only the lock dir (pkg/state's, emptied of the
	// containers' lock files as they went) may remain.
	ents, _ := os.ReadDir(e.root)
	for _, ent := range ents {
		if ent.Name() != seccomp.CacheDirName && ent.Name() != "@locks" {
			t.Errorf("state root holds %s after the runs, want only the cache", ent.Name())
		}
	}
}
