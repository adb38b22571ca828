package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// withUserNS adds a user namespace mapping container root to host uid and
// gid 100000 (65536 ids), the layout of a Docker userns-remap host.
func withUserNS(linux map[string]any) {
	ns, _ := linux["namespaces"].([]any)
	linux["namespaces"] = append(ns, map[string]any{"type": "user"})
	m := []map[string]any{{"containerID": 0, "hostID": 100000, "size": 65536}}
	linux["uidMappings"], linux["gidMappings"] = m, m
}

// usernsCost measures create with a user namespace, the runtimes
// interleaved, so that path has a row of its own beside the plain create.
func usernsCost(rts []runtime, dir, busybox string, n int) {
	// The mapped root (host uid 100000) must reach the rootfs through the
	// bench's directory, which MkdirTemp made 0700.
	if err := os.Chmod(dir, 0o755); err != nil {
		fatal(err.Error())
	}
	bundles, roots := map[string]string{}, map[string]string{}
	samples := map[string][]sample{}
	for _, rt := range rts {
		name := rt.name + "-userns"
		bundles[rt.name] = bundleWith(dir, name, busybox, rt.ociVer, []string{"/bin/sleep", "1000"}, withUserNS)
		roots[rt.name] = filepath.Join(dir, name+"-state")
	}
	for i := 0; i < n; i++ {
		for _, rt := range rts {
			id := fmt.Sprintf("u%d", i)
			s, err := timed(rt, roots[rt.name], "create", "--bundle", bundles[rt.name], id)
			if err != nil {
				fatal(fmt.Sprintf("%s create with a user namespace: %v", rt.name, err))
			}
			samples[rt.name] = append(samples[rt.name], s)
			timed(rt, roots[rt.name], "delete", "--force", id)
		}
	}
	fmt.Printf("\n%-26s%12s%12s%14s\n", "create, user namespace", "median ms", "CPU ms", "minirun/this")
	base := float64(median(samples["minirun"]).Microseconds())
	for _, rt := range rts {
		med := float64(median(samples[rt.name]).Microseconds())
		fmt.Printf("%-26s%12.2f%12.2f%13.2fx\n", rt.name, med/1000, medianCPU(samples[rt.name]), base/med)
	}
	removeBenchCgroups()
}
