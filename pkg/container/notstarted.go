package container

import "github.com/minirun/minirun/pkg/logs"

// processNotStarted is the init's report that the container's process did
// not start after `start`: a startContainer hook or execve(2) failed. The
// init has already printed it alone on the container's stderr and exits
// 255, as runc's init does. start still fails with it (runc's start
// succeeds; see README), and run adds nothing and exits with the init.
type processNotStarted struct{ msg string }

func (e *processNotStarted) Error() string { return e.msg }

// afterFailedStart is run's end when the process did not start: the init
// exits on its own, its status is run's, the container is deleted.
func (l *loaded) afterFailedStart(pid int, restore func()) int {
	code := waitExit(pid)
	if restore != nil {
		restore()
	}
	if err := l.destroy(); err != nil {
		logs.Warnf("delete after run: %v", err)
	}
	return code
}
