package state

import (
	"os"
	"testing"
)

// Every way the record and what the kernel says combine, through the one
// status function.
func TestStatusOf(t *testing.T) {
	live := Observed{Alive: true, SameStart: true}
	frozen := Observed{Alive: true, SameStart: true, Frozen: true}
	cases := []struct {
		name string
		rec  Container
		o    Observed
		want string
	}{
		{"no pid recorded yet", Container{}, live, Creating},
		{"no pid, even with a frozen cgroup", Container{}, frozen, Creating},
		{"init waits for start", Container{Pid: 5}, live, Created},
		{"init recorded, not ready", Container{Pid: 5, Creating: true}, live, Creating},
		{"init recorded, not ready, frozen", Container{Pid: 5, Creating: true}, frozen, Creating},
		{"init died before ready", Container{Pid: 5, Creating: true}, Observed{}, Stopped},
		{"started", Container{Pid: 5, Started: true}, live, Running},
		{"created and frozen", Container{Pid: 5}, frozen, Paused},
		{"running and frozen", Container{Pid: 5, Started: true}, frozen, Paused},
		{"init gone", Container{Pid: 5, Started: true}, Observed{}, Stopped},
		{"pid reused by another process", Container{Pid: 5, Started: true}, Observed{Alive: true}, Stopped},
		{"pid reused, in a frozen cgroup", Container{Pid: 5}, Observed{Alive: true, Frozen: true}, Stopped},
		{"never started, init gone", Container{Pid: 5}, Observed{}, Stopped},
		{"negative pid", Container{Pid: -1}, Observed{}, Stopped},
	}
	for _, tc := range cases {
		if got := StatusOf(&tc.rec, tc.o); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// What Status observes for a record whose init is this test process: the
// pid and its start time; a reused pid is stopped.
func TestObserve(t *testing.T) {
	start, _, err := ProcStart(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	c := &Container{Pid: os.Getpid(), PidStart: start}
	if o := c.observe(); !o.Alive || !o.SameStart || o.Frozen {
		t.Fatalf("own process observed as %+v", o)
	}
	c.PidStart++
	if o := c.observe(); !o.Alive || o.SameStart {
		t.Fatalf("reused pid observed as %+v", o)
	}
	if o := (&Container{}).observe(); o != (Observed{}) {
		t.Fatalf("no pid observed as %+v", o)
	}
}
