package cgroups

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// fakeV2 makes a cgroup2-like tree: the root offers controllers, and every
// directory created gets the interface files the kernel would create.
func fakeV2(t *testing.T) Layout {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "cgroup.controllers"), []byte("cpuset cpu io memory hugetlb pids"), 0o644)
	os.WriteFile(filepath.Join(root, "cgroup.subtree_control"), nil, 0o644)
	return Layout{Unified: root}
}

func init() {
	// Every new directory gets empty cpuset files, as cgroupfs v1 gives it.
	afterMkdir = func(dir string) {
		if strings.Contains(dir, "cpuset") {
			os.WriteFile(filepath.Join(dir, "cpuset.cpus"), []byte("\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "cpuset.mems"), []byte("\n"), 0o644)
		}
	}
}

func fakeV1(t *testing.T, ctrls ...string) Layout {
	root := t.TempDir()
	l := Layout{V1: map[string]string{}}
	for _, c := range ctrls {
		dir := filepath.Join(root, c)
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "cpuset.cpus"), []byte("0-3\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "cpuset.mems"), []byte("0\n"), 0o644)
		l.V1[c] = dir
	}
	return l
}

// touch creates the interface files a test expects to be written.
func touch(t *testing.T, dir string, files ...string) {
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func read(t *testing.T, dir, file string) string {
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func i64p(v int64) *int64   { return &v }
func u64p(v uint64) *uint64 { return &v }
func u16p(v uint16) *uint16 { return &v }

func TestV2CreateSetDestroy(t *testing.T) {
	l := fakeV2(t)
	// A directory that exists already belongs to someone else.
	os.MkdirAll(filepath.Join(l.Unified, "existing"), 0o755)
	os.WriteFile(filepath.Join(l.Unified, "existing", "cgroup.subtree_control"), nil, 0o644)
	s, err := Create(l, "/existing/ctr", nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(l.Unified, "existing/ctr")
	if got := read(t, l.Unified, "cgroup.subtree_control"); got != "+cpuset +cpu +io +memory +hugetlb +pids" {
		t.Fatalf("root subtree_control %q", got)
	}
	touch(t, dir, "pids.max", "memory.max", "memory.low", "memory.swap.max", "cpu.weight", "cpu.max", "cpuset.cpus", "io.weight", "io.max", "hugetlb.2MB.max", "memory.oom.group")
	err = s.Set(&specs.LinuxResources{
		Pids:           &specs.LinuxPids{Limit: i64p(64)},
		Memory:         &specs.LinuxMemory{Limit: i64p(1 << 20), Reservation: i64p(1 << 19), Swap: i64p(3 << 20)},
		CPU:            &specs.LinuxCPU{Shares: u64p(1024), Quota: i64p(50000), Period: u64p(100000), Cpus: "0-1"},
		BlockIO:        &specs.LinuxBlockIO{Weight: u16p(500), ThrottleReadBpsDevice: []specs.LinuxThrottleDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Rate: 1000}}},
		HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 4 << 20}},
		Unified:        map[string]string{"memory.oom.group": "1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"pids.max": "64", "memory.max": "1048576", "memory.low": "524288", "memory.swap.max": "2097152",
		"cpu.weight": "39", "cpu.max": "50000 100000", "cpuset.cpus": "0-1", "io.weight": "4950",
		"io.max": "8:0 rbps=1000", "hugetlb.2MB.max": "4194304", "memory.oom.group": "1",
	}
	for f, v := range want {
		if got := read(t, dir, f); got != v {
			t.Errorf("%s = %q, want %q", f, got, v)
		}
	}
	// The fake tree has plain files in the container dir; the kernel's are
	// virtual. Clear them so rmdir can succeed, as it would on cgroupfs.
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		os.Remove(filepath.Join(dir, e.Name()))
	}
	if err := s.Destroy(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatal("container cgroup not removed")
	}
	if _, err := os.Stat(filepath.Join(l.Unified, "existing")); err != nil {
		t.Fatal("Destroy removed a cgroup minirun did not create")
	}
}

func TestV2UnknownFileNamesTheResource(t *testing.T) {
	l := fakeV2(t)
	s, err := Create(l, "/c", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Set(&specs.LinuxResources{Pids: &specs.LinuxPids{Limit: i64p(5)}})
	if err == nil || !strings.Contains(err.Error(), "pids.max") {
		t.Fatalf("write to a missing pids.max: %v", err)
	}
}

func TestV1HybridWritesAndCpuset(t *testing.T) {
	l := fakeV1(t, "pids", "memory", "cpu,cpuacct", "cpuset", "devices", "freezer")
	l.Unified = t.TempDir() // hybrid: the unified mount exists, v1 holds the controllers
	s, err := Create(l, "/a/b", &specs.LinuxResources{HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Dirs()[""]; !ok {
		t.Error("hybrid host: no directory on the unified mount")
	}
	if _, err := os.Stat(filepath.Join(l.Unified, "a/b")); err != nil {
		t.Error("hybrid host: unified directory not created")
	}
	err = s.Set(&specs.LinuxResources{HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 1 << 21}}})
	if err == nil || !strings.Contains(err.Error(), "hugetlb is only on the cgroup2 mount and not enabled") {
		t.Errorf("hugetlb without the controller enabled: %v", err)
	}
	touch(t, filepath.Join(l.Unified, "a/b"), "hugetlb.2MB.max")
	if err := s.Set(&specs.LinuxResources{HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 1 << 21}}}); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(l.Unified, "a/b"), "hugetlb.2MB.max"); got != "2097152" {
		t.Errorf("hybrid hugetlb.2MB.max = %q", got)
	}
	cs := filepath.Join(l.V1["cpuset"], "a/b")
	if read(t, cs, "cpuset.cpus") != "0-3" || read(t, filepath.Join(l.V1["cpuset"], "a"), "cpuset.mems") != "0" {
		t.Fatal("cpuset.cpus/mems not copied down from the parent")
	}
	touch(t, filepath.Join(l.V1["pids"], "a/b"), "pids.max")
	touch(t, filepath.Join(l.V1["cpu,cpuacct"], "a/b"), "cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us")
	touch(t, filepath.Join(l.V1["memory"], "a/b"), "memory.limit_in_bytes", "memory.memsw.limit_in_bytes")
	touch(t, filepath.Join(l.V1["devices"], "a/b"), "devices.allow", "devices.deny")
	err = s.Set(&specs.LinuxResources{
		Pids:    &specs.LinuxPids{Limit: i64p(10)},
		CPU:     &specs.LinuxCPU{Shares: u64p(512), Quota: i64p(20000), Period: u64p(100000)},
		Memory:  &specs.LinuxMemory{Limit: i64p(1 << 20), Swap: i64p(2 << 20)},
		Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(l.V1["cpu,cpuacct"], "a/b"), "cpu.cfs_quota_us"); got != "20000" {
		t.Errorf("quota %q", got)
	}
	// devices.allow holds the last rule written: the default rules follow the config's.
	if got := read(t, filepath.Join(l.V1["devices"], "a/b"), "devices.allow"); got != "b *:* m" {
		t.Errorf("last allow rule %q", got)
	}
	if got := read(t, filepath.Join(l.V1["devices"], "a/b"), "devices.deny"); got != "a" {
		t.Errorf("deny rule %q", got)
	}
}

func TestV1MissingControllerIsNamed(t *testing.T) {
	s, err := Create(fakeV1(t, "pids"), "/c", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Set(&specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: i64p(1)}})
	if err == nil || !strings.Contains(err.Error(), "memory controller is not mounted") {
		t.Fatalf("got %v", err)
	}
}

func TestSystemdPathForms(t *testing.T) {
	cases := map[string]string{
		"system.slice:docker:abc":     "/system.slice/docker-abc.scope",
		"machine-qemu.slice:libpod:x": "/machine.slice/machine-qemu.slice/libpod-x.scope",
		":minirun:id":                 "/system.slice/minirun-id.scope",
		"a-b-c.slice::name":           "/a.slice/a-b.slice/a-b-c.slice/name.scope",
	}
	for in, want := range cases {
		got, err := ResolvePath(in, "id", true, Layout{})
		if err != nil || got != want {
			t.Errorf("%q -> %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"only-two:parts", "bad.slice/x:p:n", "-x.slice:p:n"} {
		if _, err := ResolvePath(bad, "id", true, Layout{}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	own, err := OwnPath("")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := ResolvePath("", "abc", false, Layout{}); got != filepath.Join(own, "abc") {
		t.Errorf("default path %q, want runc's %s/abc", got, own)
	}
	if got, _ := ResolvePath("", "abc", true, Layout{}); got != "/system.slice/runc-abc.scope" {
		t.Errorf("default systemd path %q", got)
	}
	if got, _ := ResolvePath("/x/../y", "abc", false, Layout{}); got != "/y" {
		t.Errorf("clean path %q", got)
	}
}

func TestParseMountinfo(t *testing.T) {
	mi := `35 25 0:30 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
36 25 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct
37 25 0:32 / /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids
38 25 0:33 /sub /mnt/bind rw - cgroup cgroup rw,memory
39 25 0:34 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd
`
	l, err := parseMountinfo(strings.NewReader(mi))
	if err != nil {
		t.Fatal(err)
	}
	if l.Unified != "/sys/fs/cgroup/unified" || l.V1["cpu,cpuacct"] != "/sys/fs/cgroup/cpu,cpuacct" ||
		l.V1["pids"] != "/sys/fs/cgroup/pids" || l.V1["name=systemd"] != "/sys/fs/cgroup/systemd" {
		t.Fatalf("layout %+v", l)
	}
	if _, ok := l.V1["memory"]; ok {
		t.Fatal("a bind of a sub-cgroup was taken as a hierarchy root")
	}
	if l.IsV2() {
		t.Fatal("hybrid layout reported as pure v2")
	}
}

func TestConversions(t *testing.T) {
	if ConvertSharesToWeight(2) != 1 || ConvertSharesToWeight(262144) != 10000 || ConvertSharesToWeight(1024) != 39 {
		t.Error("shares -> weight")
	}
	if ConvertBlkioToIOWeight(10) != 1 || ConvertBlkioToIOWeight(1000) != 10000 {
		t.Error("blkio weight -> io.weight")
	}
}

func TestStatsFromFakeTrees(t *testing.T) {
	l := fakeV2(t)
	s, err := Create(l, "/c", nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(l.Unified, "c")
	os.WriteFile(filepath.Join(dir, "pids.current"), []byte("3\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "memory.events"), []byte("low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "io.stat"), []byte("8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "hugetlb.2MB.current"), []byte("2097152\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "hugetlb.2MB.events"), []byte("max 5\n"), 0o644)
	st := s.Stats()
	if st.Pids.Current != 3 || st.Memory.OOMKills != 1 || st.Memory.Usage.Failcnt != 4 {
		t.Errorf("pids/memory: %+v %+v", st.Pids, st.Memory)
	}
	if len(st.Blkio.IoServiceBytesRecursive) != 2 || st.Blkio.IoServiceBytesRecursive[1] != (BlkioEntry{8, 0, "Write", 8192}) {
		t.Errorf("io.stat: %+v", st.Blkio)
	}
	if h := st.Hugetlb["2MB"]; h.Usage != 2097152 || h.Failcnt != 5 {
		t.Errorf("hugetlb: %+v", st.Hugetlb)
	}
	v1 := fakeV1(t, "blkio")
	s1, _ := Create(v1, "/c", nil)
	os.WriteFile(filepath.Join(v1.V1["blkio"], "c", "blkio.throttle.io_service_bytes_recursive"), []byte("8:0 Read 512\n8:0 Write 1024\nTotal 1536\n"), 0o644)
	if got := s1.Stats().Blkio.IoServiceBytesRecursive; len(got) != 2 || got[0] != (BlkioEntry{8, 0, "Read", 512}) {
		t.Errorf("v1 blkio: %+v", got)
	}
}
