package main

import (
	"fmt"
	"path/filepath"
	"sync"
	"time"
)

// batchCost is issue 14's throughput row: 100 containers run to the end
// one after another, then 100 by 4 workers at once (each worker with its
// own bundle, so its own cgroup). Total wall time per runtime.
func batchCost(rts []runtime, dir, busybox string) {
	const total, workers = 100, 4
	fmt.Printf("\n%-30s%14s%14s\n", "run /bin/true, 100 containers", "sequence ms", "4 parallel ms")
	for _, rt := range rts {
		root := filepath.Join(dir, rt.name+"-batch-state")
		var bundles []string
		for w := 0; w < workers; w++ {
			bundles = append(bundles, bundle(dir, fmt.Sprintf("%s-batch%d", rt.name, w), busybox, rt.ociVer, []string{"/bin/true"}))
		}
		runOne := func(b, id string) {
			if _, err := timed(rt, root, "run", "--bundle", b, id); err != nil {
				fatal(err.Error())
			}
			if rt.name != "minirun" { // minirun run removes its container; runc and crun keep it
				timed(rt, root, "delete", "--force", id)
			}
		}
		start := time.Now()
		for i := 0; i < total; i++ {
			runOne(bundles[0], fmt.Sprintf("s%d", i))
		}
		seq := time.Since(start)
		start = time.Now()
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < total/workers; i++ {
					runOne(bundles[w], fmt.Sprintf("p%d-%d", w, i))
				}
			}(w)
		}
		wg.Wait()
		par := time.Since(start)
		fmt.Printf("%-30s%14.0f%14.0f\n", rt.name, float64(seq.Microseconds())/1000, float64(par.Microseconds())/1000)
	}
	removeBenchCgroups()
}
