package audit

import (
	"testing"
	"time"
)

// A loop of audited calls logs a burst, then the rate; the first line
// after a gap says how many were dropped.
func TestLimiterBurstRateAndDropCount(t *testing.T) {
	t0 := time.Unix(1000, 0)
	l := newLimiter(t0)
	logged := 0
	for i := 0; i < 1000; i++ {
		if ok, _ := l.allow(t0); ok {
			logged++
		}
	}
	if logged != logBurst {
		t.Fatalf("logged %d of 1000 calls at one instant, want the burst %d", logged, logBurst)
	}
	ok, dropped := l.allow(t0.Add(time.Second))
	if !ok || dropped != 1000-logBurst {
		t.Fatalf("after a second: ok %v, dropped %d, want true and %d", ok, dropped, 1000-logBurst)
	}
	if ok, dropped := l.allow(t0.Add(time.Second)); !ok || dropped != 0 {
		t.Fatalf("the next line: ok %v dropped %d", ok, dropped)
	}
}
