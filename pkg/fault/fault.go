// Package fault owns the test-only fault knob. The integration tests set
// _MINIRUN_TEST_FAULT to make the runtime fail at a named step of create,
// so that crash recovery and every bounded wait on a child can be tested
// without sleeping for a race. It is harmless in production: each fault
// only makes minirun die, or give up on its child, earlier than it would.
package fault

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Env names the knob; nothing but the integration tests sets it.
const Env = "_MINIRUN_TEST_FAULT"

// Steps of create where the runtime can SIGKILL itself (Die).
const (
	AfterStateDir  = "after-state-dir"
	AfterCgroup    = "after-cgroup"
	AfterBootstrap = "after-bootstrap"
	AfterReady     = "after-ready"
)

// Faults done to the runtime's child rather than to itself.
const (
	KillBootstrap = "kill-bootstrap" // SIGKILL the bootstrap process as soon as it started
	StopInit      = "stop-init"      // SIGSTOP the init, and wait for it only briefly
)

// Is reports whether the knob names step.
func Is(step string) bool { return os.Getenv(Env) == step }

// Die SIGKILLs the runtime if the knob names step: a crash at exactly
// that point, with no deferred cleanup run.
func Die(step string) {
	if Is(step) {
		unix.Kill(os.Getpid(), unix.SIGKILL)
		select {} // the signal is on its way
	}
}

// Bound returns how long to wait for a child: d, or one second under
// StopInit so the test of a frozen child is quick.
func Bound(d time.Duration) time.Duration {
	if Is(StopInit) {
		return time.Second
	}
	return d
}
