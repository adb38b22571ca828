package state

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// ProcStart reads a process's start time (field 22 of /proc/PID/stat) and
// whether it is a zombie. The start time tells our init apart from a later
// process that reuses its pid.
func ProcStart(pid int) (start uint64, zombie bool, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false, err
	}
	// The command name may hold spaces and parentheses; fields follow the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	fields := bytes.Fields(b[i+1:])
	if len(fields) < 20 {
		return 0, false, fmt.Errorf("parse /proc/%d/stat: %d fields", pid, len(fields))
	}
	start, err = strconv.ParseUint(string(fields[19]), 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("parse start time of %d: %w", pid, err)
	}
	return start, string(fields[0]) == "Z", nil
}

// Alive reports whether the container's own init still runs.
func (c *Container) Alive() bool {
	alive, same := c.initFacts()
	return alive && same
}

// initFacts reads whether a live process has the record's pid and
// whether its start time is the record's.
func (c *Container) initFacts() (alive, sameStart bool) {
	if c.Pid <= 0 {
		return false, false
	}
	start, zombie, err := ProcStart(c.Pid)
	alive = err == nil && !zombie
	return alive, alive && start == c.PidStart
}
