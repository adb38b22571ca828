package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// auditCost measures what `run --audit` costs a workload: n runs of a
// loop of calls per case, with and without the audit supervisor. An
// audited call (unshare) is a round trip to the supervisor; any other call
// (getppid) only meets the slightly longer filter.
func auditCost(minirun, dir, busybox string, n int) {
	const calls = 20000
	loop := filepath.Join(dir, "syscalloop")
	build := exec.Command("go", "build", "-o", loop, "./bench/syscalloop")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fatal("build syscalloop: " + string(out))
	}
	rt := runtime{"minirun", minirun, ""}
	fmt.Printf("\n%-34s%12s%12s%14s\n", fmt.Sprintf("--audit, %d calls per run", calls), "plain ms", "audit ms", "per call µs")
	for _, call := range []string{"getppid", "unshare"} {
		b := bundle(dir, "audit-"+call, busybox, "", []string{"/bin/syscalloop", call, fmt.Sprint(calls)})
		data, _ := os.ReadFile(loop)
		os.WriteFile(filepath.Join(b, "rootfs/bin/syscalloop"), data, 0o755)
		root := filepath.Join(dir, "audit-"+call+"-state")
		med := func(extra ...string) time.Duration {
			var s []sample
			for i := 0; i < n; i++ {
				args := append([]string{"run", "--bundle", b}, extra...)
				r, err := timed(rt, root, append(args, fmt.Sprintf("a%d", i))...)
				if err != nil {
					fatal(err.Error())
				}
				s = append(s, r)
			}
			return median(s)
		}
		plain := med()
		audited := med("--audit", filepath.Join(dir, "audit.log"), "--audit-syscalls", "unshare")
		per := float64((audited - plain).Nanoseconds()) / calls / 1000
		fmt.Printf("%-34s%12.1f%12.1f%14.2f\n", call+(map[string]string{"unshare": " (audited)", "getppid": " (not audited)"}[call]),
			float64(plain.Microseconds())/1000, float64(audited.Microseconds())/1000, per)
		os.Remove(filepath.Join(dir, "audit.log"))
	}
	removeBenchCgroups()
}
