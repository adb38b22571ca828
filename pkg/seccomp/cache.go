package seccomp

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// CacheDirName is the cache's directory inside the state root. Its '@' is
// outside the container id alphabet (runc's, see state.ValidateID), so no
// container can be named like it: list skips it and every command that
// takes an id refuses it.
const CacheDirName = "@seccomp-cache"

// maxEntry bounds what is read: 4096 instructions of 8 bytes in base64,
// plus the warnings.
const maxEntry = 1 << 20

// Cache stores compiled filters keyed by the profile and the compiler, so
// repeated starts with one profile skip libseccomp entirely. A filter read
// from it replaces the profile, so it is only trusted from a directory and
// a file the runtime's own user owns and nobody else can write, and only
// if its checksum and key match; anything else costs a compile, never a
// weaker filter.
type Cache struct {
	Dir      string                        // "" disables the cache
	Identity string                        // the compiler (see Identity); "" disables the cache
	Debugf   func(format string, a ...any) // told why the cache was not used; may be nil
}

// CacheKey names the entry of a profile compiled by identity.
func CacheKey(identity string, sc *specs.LinuxSeccomp) (string, error) {
	b, err := json.Marshal(sc)
	if err != nil {
		return "", fmt.Errorf("encode seccomp profile: %w", err)
	}
	h := sha256.New()
	h.Write([]byte(identity))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Get returns a cached program and its warnings, or compiles and stores it.
func (c Cache) Get(sc *specs.LinuxSeccomp, compile func(*specs.LinuxSeccomp) ([]byte, []string, error)) ([]byte, []string, error) {
	if c.Dir == "" || c.Identity == "" {
		return compile(sc)
	}
	key, err := CacheKey(c.Identity, sc)
	if err != nil {
		c.debugf("seccomp cache not used: %v", err)
		return compile(sc)
	}
	dir, err := openCacheDir(c.Dir)
	if err != nil {
		c.debugf("seccomp cache not used: %v", err)
		return compile(sc)
	}
	defer unix.Close(dir)
	e, err := readEntry(dir, key)
	if err == nil {
		return e.BPF, e.Warnings, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		c.debugf("seccomp cache entry %s refused, compiling: %v", key, err)
	}
	bpf, warnings, err := compile(sc)
	if err != nil {
		return nil, nil, err
	}
	if err := writeEntry(dir, NewCacheEntry(key, bpf, warnings)); err != nil {
		c.debugf("seccomp cache entry %s not stored: %v", key, err)
	}
	return bpf, warnings, nil
}

func (c Cache) debugf(format string, a ...any) {
	if c.Debugf != nil {
		c.Debugf(format, a...)
	}
}

// CacheEntry is one stored filter. Sum covers the key, the program and the
// warnings, so a truncated or corrupted file, or an entry renamed to
// another profile's key, is refused.
type CacheEntry struct {
	Key      string   `json:"key"`
	BPF      []byte   `json:"bpf"`
	Warnings []string `json:"warnings,omitempty"`
	Sum      string   `json:"sha256"`
}

// NewCacheEntry makes the entry for key with its checksum.
func NewCacheEntry(key string, bpf []byte, warnings []string) CacheEntry {
	e := CacheEntry{Key: key, BPF: bpf, Warnings: warnings}
	e.Sum = e.sum()
	return e
}

// sum hashes each field with its length first, so no two entries share
// the byte stream.
func (e CacheEntry) sum() string {
	h := sha256.New()
	field := func(b []byte) {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	field([]byte(e.Key))
	field(e.BPF)
	for _, w := range e.Warnings {
		field([]byte(w))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (e CacheEntry) verify(key string) error {
	switch {
	case e.Key != key:
		return fmt.Errorf("entry is for key %q", e.Key)
	case e.Sum != e.sum():
		return errors.New("checksum mismatch")
	case len(e.BPF) == 0 || len(e.BPF)%8 != 0 || len(e.BPF) > 8*4096:
		return fmt.Errorf("program of %d bytes is not a sock_filter array", len(e.BPF))
	}
	return nil
}

// openCacheDir opens the cache directory, creating it 0700 if absent, and
// refuses a symlink or a directory someone else could write: its entries
// are read through the returned fd, so a checked directory cannot be
// swapped underneath.
func openCacheDir(path string) (int, error) {
	if err := unix.Mkdir(path, 0o700); err != nil && !errors.Is(err, unix.EEXIST) {
		return -1, fmt.Errorf("create %s: %w", path, err)
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open %s (a symlink is refused): %w", path, err)
	}
	if err := checkPrivate(fd, unix.S_IFDIR); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("%s: %w", path, err)
	}
	return fd, nil
}

// checkPrivate refuses a file of the wrong type, or one not owned by the
// runtime's euid or writable by group or others.
func checkPrivate(fd int, typ uint32) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("stat: %w", err)
	}
	if st.Mode&unix.S_IFMT != typ {
		return fmt.Errorf("file type %#o, want %#o", st.Mode&unix.S_IFMT, typ)
	}
	if euid := os.Geteuid(); int(st.Uid) != euid {
		return fmt.Errorf("owned by uid %d, not the runtime's %d", st.Uid, euid)
	}
	if st.Mode&0o022 != 0 {
		return fmt.Errorf("mode %#o is writable by group or others", st.Mode&0o7777)
	}
	return nil
}

// readEntry reads and checks the entry for key; a missing one is
// fs.ErrNotExist. O_NONBLOCK: a planted FIFO must not hang the runtime
// before its type is checked.
func readEntry(dir int, key string) (CacheEntry, error) {
	var e CacheEntry
	fd, err := unix.Openat(dir, key, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ELOOP) {
		return e, errors.New("entry is a symlink")
	}
	if err != nil {
		return e, fmt.Errorf("open entry: %w", err)
	}
	f := os.NewFile(uintptr(fd), key)
	defer f.Close()
	if err := checkPrivate(fd, unix.S_IFREG); err != nil {
		return e, err
	}
	b, err := io.ReadAll(io.LimitReader(f, maxEntry+1))
	if err != nil {
		return e, fmt.Errorf("read entry: %w", err)
	}
	if len(b) > maxEntry {
		return e, fmt.Errorf("entry larger than %d bytes", maxEntry)
	}
	if err := json.Unmarshal(b, &e); err != nil {
		return e, fmt.Errorf("decode entry: %w", err)
	}
	return e, e.verify(key)
}

// writeEntry stores e atomically: a new file under a random name (O_EXCL,
// never through a symlink), renamed over the entry, so a reader sees the
// old entry or the whole new one.
func writeEntry(dir int, e CacheEntry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode entry: %w", err)
	}
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return fmt.Errorf("random temp name: %w", err)
	}
	tmp := ".tmp-" + hex.EncodeToString(rnd[:])
	fd, err := unix.Openat(dir, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", tmp, err)
	}
	f := os.NewFile(uintptr(fd), tmp)
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = unix.Renameat(dir, tmp, dir, e.Key)
	}
	if err != nil {
		unix.Unlinkat(dir, tmp, 0)
		return fmt.Errorf("store %s: %w", e.Key, err)
	}
	return nil
}
