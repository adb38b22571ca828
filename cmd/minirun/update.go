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
	// runc spells it --cpu-share; --cpu-shares (the config's name) stays.
	fs.StringVar(str["cpu-shares"], "cpu-share", "", "CPU shares (relative weight)")
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

// parseSize accepts bytes or a k/m/g/t suffix; -1 means unlimited.
func parseSize(s string) (int64, error) {
	mult := int64(1)
	ls := strings.ToLower(strings.TrimSuffix(strings.ToLower(s), "b"))
	for suf, m := range map[string]int64{"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40} {
		if strings.HasSuffix(ls, suf) {
			mult, ls = m, strings.TrimSuffix(ls, suf)
		}
	}
	v, err := strconv.ParseInt(ls, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size", s)
	}
	return v * mult, nil
}

// setter applies one update flag's value to the resources.
type setter struct {
	flag string
	set  func(string) error
}

func applyUpdateFlags(f map[string]*string, r *container.Resources) error {
	for _, name := range []string{"l3-cache-schema", "mem-bw-schema"} {
		if *f[name] != "" {
			return fmt.Errorf("--%s: Intel RDT is not supported by minirun", name)
		}
	}
	if r.Memory == nil {
		r.Memory = &specs.LinuxMemory{}
	}
	if r.CPU == nil {
		r.CPU = &specs.LinuxCPU{}
	}
	for _, s := range updateSetters(r) {
		if v := *f[s.flag]; v != "" {
			if err := s.set(v); err != nil {
				return fmt.Errorf("--%s: %w", s.flag, err)
			}
		}
	}
	return nil
}

func updateSetters(r *container.Resources) []setter {
	return []setter{
		{"memory", size(&r.Memory.Limit)}, {"memory-reservation", size(&r.Memory.Reservation)},
		{"memory-swap", size(&r.Memory.Swap)}, {"kernel-memory", size(&r.Memory.Kernel)},
		{"kernel-memory-tcp", size(&r.Memory.KernelTCP)},
		{"cpu-shares", unsigned(&r.CPU.Shares)}, {"cpu-quota", signed(&r.CPU.Quota)},
		{"cpu-period", unsigned(&r.CPU.Period)}, {"cpu-rt-period", unsigned(&r.CPU.RealtimePeriod)},
		{"cpu-rt-runtime", signed(&r.CPU.RealtimeRuntime)}, {"cpu-idle", signed(&r.CPU.Idle)},
		{"cpu-burst", unsigned(&r.CPU.Burst)},
		{"cpuset-cpus", func(v string) error { r.CPU.Cpus = v; return nil }},
		{"cpuset-mems", func(v string) error { r.CPU.Mems = v; return nil }},
		{"pids-limit", func(v string) error {
			r.Pids = &specs.LinuxPids{}
			return signed(&r.Pids.Limit)(v)
		}},
		{"blkio-weight", func(v string) error {
			n, err := strconv.ParseUint(v, 10, 16)
			if err != nil {
				return fmt.Errorf("%q is not a number", v)
			}
			w := uint16(n)
			r.BlockIO = &specs.LinuxBlockIO{Weight: &w}
			return nil
		}},
	}
}

func size(dst **int64) func(string) error {
	return func(v string) error {
		n, err := parseSize(v)
		*dst = &n
		return err
	}
}

func signed(dst **int64) func(string) error {
	return func(v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
		*dst = &n
		return nil
	}
}

func unsigned(dst **uint64) func(string) error {
	return func(v string) error {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
		*dst = &n
		return nil
	}
}
