package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/minirun/minirun/pkg/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func init() {
	register("update", command{"change the resource limits of a running container", runUpdate})
}

func runUpdate(g container.Global, args []string) (int, error) {
	fs := newFlags("update")
	resFile := fs.String("resources", "", "linux.resources JSON file, - for stdin")
	fs.StringVar(resFile, "r", "", "linux.resources JSON file, - for stdin")
	str := map[string]*string{}
	for _, n := range []string{"memory", "memory-reservation", "memory-swap", "kernel-memory", "kernel-memory-tcp",
		"cpu-shares", "cpu-quota", "cpu-period", "cpu-rt-period", "cpu-rt-runtime", "cpuset-cpus", "cpuset-mems",
		"pids-limit", "blkio-weight", "l3-cache-schema", "mem-bw-schema", "cpu-idle", "cpu-burst"} {
		str[n] = fs.String(n, "", "see runc update")
	}
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	id, err := oneID(fs)
	if err != nil {
		return 1, err
	}
	return 0, container.Update(g, id, func(r *container.Resources) error {
		if *resFile != "" {
			return readResources(*resFile, r)
		}
		return applyUpdateFlags(str, r)
	})
}

func readResources(path string, r *container.Resources) error {
	var in io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("--resources: %w", err)
		}
		defer f.Close()
		in = f
	}
	var nr specs.LinuxResources
	if err := json.NewDecoder(in).Decode(&nr); err != nil {
		return fmt.Errorf("--resources: malformed JSON: %w", err)
	}
	*r = nr
	return nil
}

// parseSize accepts bytes or a k/m/g suffix; -1 means unlimited.
func parseSize(flag, s string) (int64, error) {
	mult := int64(1)
	ls := strings.ToLower(strings.TrimSuffix(strings.ToLower(s), "b"))
	for suf, m := range map[string]int64{"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40} {
		if strings.HasSuffix(ls, suf) {
			mult, ls = m, strings.TrimSuffix(ls, suf)
		}
	}
	v, err := strconv.ParseInt(ls, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("--%s: %q is not a size", flag, s)
	}
	return v * mult, nil
}

func applyUpdateFlags(f map[string]*string, r *container.Resources) error {
	set := func(name string, apply func(string) error) error {
		if v := *f[name]; v != "" {
			return apply(v)
		}
		return nil
	}
	mem := func(dst **int64) func(string) error {
		return func(v string) error {
			n, err := parseSize("memory", v)
			*dst = &n
			return err
		}
	}
	if r.Memory == nil {
		r.Memory = &specs.LinuxMemory{}
	}
	if r.CPU == nil {
		r.CPU = &specs.LinuxCPU{}
	}
	u64 := func(name string, dst **uint64) func(string) error {
		return func(v string) error {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return fmt.Errorf("--%s: %q is not a number", name, v)
			}
			*dst = &n
			return nil
		}
	}
	i64 := func(name string, dst **int64) func(string) error {
		return func(v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("--%s: %q is not a number", name, v)
			}
			*dst = &n
			return nil
		}
	}
	steps := []error{
		set("memory", mem(&r.Memory.Limit)),
		set("memory-reservation", mem(&r.Memory.Reservation)),
		set("memory-swap", mem(&r.Memory.Swap)),
		set("kernel-memory", mem(&r.Memory.Kernel)),
		set("kernel-memory-tcp", mem(&r.Memory.KernelTCP)),
		set("cpu-shares", u64("cpu-shares", &r.CPU.Shares)),
		set("cpu-quota", i64("cpu-quota", &r.CPU.Quota)),
		set("cpu-period", u64("cpu-period", &r.CPU.Period)),
		set("cpu-rt-period", u64("cpu-rt-period", &r.CPU.RealtimePeriod)),
		set("cpu-rt-runtime", i64("cpu-rt-runtime", &r.CPU.RealtimeRuntime)),
		set("cpu-idle", i64("cpu-idle", &r.CPU.Idle)),
		set("cpu-burst", u64("cpu-burst", &r.CPU.Burst)),
		set("cpuset-cpus", func(v string) error { r.CPU.Cpus = v; return nil }),
		set("cpuset-mems", func(v string) error { r.CPU.Mems = v; return nil }),
		set("pids-limit", func(v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("--pids-limit: %q is not a number", v)
			}
			r.Pids = &specs.LinuxPids{Limit: &n}
			return nil
		}),
		set("blkio-weight", func(v string) error {
			n, err := strconv.ParseUint(v, 10, 16)
			if err != nil {
				return fmt.Errorf("--blkio-weight: %q is not a number", v)
			}
			w := uint16(n)
			r.BlockIO = &specs.LinuxBlockIO{Weight: &w}
			return nil
		}),
	}
	for _, err := range steps {
		if err != nil {
			return err
		}
	}
	return nil
}
