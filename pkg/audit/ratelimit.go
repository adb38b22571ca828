package audit

import "time"

// A container that calls an audited syscall in a loop must not fill the
// host's disk through the log: each filter may log logBurst lines at once
// and logRate per second after that; the calls beyond are still answered
// (the limit is on the log, never on the container) and counted, and the
// next line that gets through says how many were dropped.
const (
	logBurst = 200
	logRate  = 100
)

type limiter struct {
	tokens  float64
	last    time.Time
	dropped uint64
}

func newLimiter(now time.Time) *limiter { return &limiter{tokens: logBurst, last: now} }

// allow reports whether a line may be logged at now, and how many were
// dropped since the last one that was.
func (l *limiter) allow(now time.Time) (ok bool, dropped uint64) {
	l.tokens += now.Sub(l.last).Seconds() * logRate
	if l.tokens > logBurst {
		l.tokens = logBurst
	}
	l.last = now
	if l.tokens < 1 {
		l.dropped++
		return false, 0
	}
	l.tokens--
	dropped, l.dropped = l.dropped, 0
	return true, dropped
}
