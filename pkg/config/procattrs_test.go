package config

import (
	"encoding/json"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"strings"
	"testing"
)

func TestProcessAttrsRefusedByName(t *testing.T) {
	cases := map[string]string{
		`{"process":{"scheduler":{}}}`:                                                                                              "process.scheduler.policy: is required",
		`{"process":{"scheduler":{"policy":"SCHED_ISO"}}}`:                                                                          `process.scheduler.policy: unknown or unsupported policy "SCHED_ISO"`,
		`{"process":{"scheduler":{"policy":"SCHED_OTHER","nice":20}}}`:                                                              "process.scheduler.nice: 20 is outside",
		`{"process":{"scheduler":{"policy":"SCHED_FIFO","nice":3,"priority":1}}}`:                                                   "process.scheduler.nice: only applies",
		`{"process":{"scheduler":{"policy":"SCHED_FIFO"}}}`:                                                                         "process.scheduler.priority: 0 is outside 1..99",
		`{"process":{"scheduler":{"policy":"SCHED_OTHER","priority":5}}}`:                                                           "process.scheduler.priority: only applies",
		`{"process":{"scheduler":{"policy":"SCHED_OTHER","flags":["X"]}}}`:                                                          `process.scheduler.flags[0]: unknown flag "X"`,
		`{"process":{"scheduler":{"policy":"SCHED_BATCH","runtime":5}}}`:                                                            "process.scheduler: runtime, deadline and period",
		`{"process":{"scheduler":{"policy":"SCHED_DEADLINE","runtime":9,"deadline":5}}}`:                                            "SCHED_DEADLINE needs",
		`{"process":{"ioPriority":{"class":"IOPRIO_CLASS_X"}}}`:                                                                     `process.ioPriority.class: unknown class "IOPRIO_CLASS_X"`,
		`{"process":{"ioPriority":{"class":"IOPRIO_CLASS_BE","priority":8}}}`:                                                       "process.ioPriority.priority: 8 is outside 0..7",
		`{"process":{"execCPUAffinity":{"initial":"0-x"}}}`:                                                                         "process.execCPUAffinity.initial: invalid list",
		`{"process":{"execCPUAffinity":{"final":"3-1"}}}`:                                                                           "process.execCPUAffinity.final: invalid list",
		`{"linux":{"personality":{"domain":"LINUX64"}}}`:                                                                            `linux.personality.domain: unknown domain "LINUX64"`,
		`{"linux":{"personality":{"domain":"LINUX","flags":["F"]}}}`:                                                                `linux.personality.flags: unknown flag "F"`,
		`{"linux":{"memoryPolicy":{"mode":"MPOL_NOPE"}}}`:                                                                           `linux.memoryPolicy.mode: unknown mode "MPOL_NOPE"`,
		`{"linux":{"memoryPolicy":{"mode":"MPOL_BIND"}}}`:                                                                           "linux.memoryPolicy.nodes: MPOL_BIND needs nodes",
		`{"linux":{"memoryPolicy":{"mode":"MPOL_BIND","nodes":"0","flags":["MPOL_F_X"]}}}`:                                          `linux.memoryPolicy.flags[0]: unknown flag "MPOL_F_X"`,
		`{"linux":{"memoryPolicy":{"mode":"MPOL_DEFAULT","nodes":"0"}}}`:                                                            "MPOL_DEFAULT takes neither nodes nor flags",
		`{"linux":{"memoryPolicy":{"mode":"MPOL_BIND","nodes":"0,a"}}}`:                                                             "linux.memoryPolicy.nodes: invalid list",
		`{"linux":{"memoryPolicy":{"mode":"MPOL_INTERLEAVE","nodes":"0","flags":["MPOL_F_STATIC_NODES","MPOL_F_RELATIVE_NODES"]}}}`: "exclude each other",
	}
	for set, want := range cases {
		s := validSpec()
		must(t, json.Unmarshal([]byte(set), s))
		if err := Validate(s, Options{SysRoot: t.TempDir()}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want %q, got %v", set, want, err)
		}
	}
	for _, ok := range []string{
		`{"process":{"scheduler":{"policy":"SCHED_BATCH","nice":7,"flags":["SCHED_FLAG_RESET_ON_FORK"]}}}`,
		`{"process":{"scheduler":{"policy":"SCHED_RR","priority":10}}}`,
		`{"process":{"ioPriority":{"class":"IOPRIO_CLASS_IDLE"}}}`,
		`{"process":{"execCPUAffinity":{"initial":"0","final":"0-1"}}}`,
		`{"linux":{"personality":{"domain":"LINUX32"}}}`,
		`{"linux":{"memoryPolicy":{"mode":"MPOL_BIND","nodes":"0","flags":["MPOL_F_STATIC_NODES"]}}}`,
		`{"linux":{"memoryPolicy":{"mode":"MPOL_PREFERRED"}}}`,
	} {
		s := validSpec()
		must(t, json.Unmarshal([]byte(ok), s))
		if err := Validate(s, Options{SysRoot: t.TempDir()}); err != nil {
			t.Errorf("%s: refused: %v", ok, err)
		}
	}
}

func TestMemoryPolicyNodeMask(t *testing.T) {
	p, err := MemoryPolicy(mustPolicy(t, `{"mode":"MPOL_INTERLEAVE","nodes":"0,2-3,65","flags":["MPOL_F_STATIC_NODES"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Mode != 3|1<<15 || len(p.Nodes) != 2 || p.Nodes[0] != 0b1101 || p.Nodes[1] != 0b10 {
		t.Fatalf("got mode %#x nodes %b", p.Mode, p.Nodes)
	}
}

func mustPolicy(t *testing.T, js string) *specs.LinuxMemoryPolicy {
	var p specs.LinuxMemoryPolicy
	must(t, json.Unmarshal([]byte(js), &p))
	return &p
}
