// Package hooks owns running OCI hooks: the container state on stdin, the
// configured args and env, and the timeout.
package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Validate checks every hook list in the config.
func Validate(s *specs.Spec) error {
	if s.Hooks == nil {
		return nil
	}
	lists := map[string][]specs.Hook{
		"prestart": s.Hooks.Prestart, "createRuntime": s.Hooks.CreateRuntime,
		"createContainer": s.Hooks.CreateContainer, "startContainer": s.Hooks.StartContainer,
		"poststart": s.Hooks.Poststart, "poststop": s.Hooks.Poststop,
	}
	for name, list := range lists {
		for i, h := range list {
			if !strings.HasPrefix(h.Path, "/") {
				return fmt.Errorf("hooks.%s[%d].path: must be absolute, got %q", name, i, h.Path)
			}
			if h.Timeout != nil && *h.Timeout <= 0 {
				return fmt.Errorf("hooks.%s[%d].timeout: must be positive", name, i)
			}
		}
	}
	return nil
}

// Kind names a hook list as runc does in its errors.
type Kind string

// The hook lists of the runtime spec.
const (
	Prestart        Kind = "prestart"
	CreateRuntime   Kind = "createRuntime"
	CreateContainer Kind = "createContainer"
	StartContainer  Kind = "startContainer"
	Poststart       Kind = "poststart"
	Poststop        Kind = "poststop"
)

// Context is where hooks of one kind run, as runc runs them:
//
//	kind                                     Dir                  Env of a hook without env
//	prestart, createRuntime, poststart,      the bundle           the runtime's own (nil)
//	poststop (runtime namespace)
//	createContainer (container mount ns,     the rootfs path      none ([]string{})
//	before pivot_root)
//	startContainer (container, after the     "" (process.cwd)     the process's env
//	user switch)
//
// runc chdirs into the bundle and runs hooks with exec.Cmd's Env = hook.env,
// so a hook without env inherits runc's environment (nvidia's and other
// hooks rely on PATH from it); its init clears its environment, so a
// createContainer hook gets none; a startContainer hook with no (or an
// empty) env gets the process's environment (libcontainer SetDefaultEnv).
type Context struct {
	Dir string
	Env []string
}

// Run runs the hooks of one kind in order and stops at the first failure,
// with runc's phrase: "error running prestart hook #1: exit status 1, ...".
func (k Kind) Run(list []specs.Hook, stateJSON []byte, ctx Context) error {
	for i, h := range list {
		if err := runOne(h, stateJSON, k.command(h, ctx)); err != nil {
			return fmt.Errorf("error running %s hook #%d: %w", k, i, err)
		}
	}
	return nil
}

// RunEach runs every hook of one kind even when some fail, reporting each
// failure in runc's phrase; for callers that treat failures as warnings.
func (k Kind) RunEach(list []specs.Hook, stateJSON []byte, ctx Context, report func(error)) {
	for i, h := range list {
		if err := runOne(h, stateJSON, k.command(h, ctx)); err != nil {
			report(fmt.Errorf("error running %s hook #%d: %w", k, i, err))
		}
	}
}

func (k Kind) command(h specs.Hook, ctx Context) func(*exec.Cmd) {
	return func(cmd *exec.Cmd) {
		cmd.Dir = ctx.Dir
		switch {
		case h.Env != nil && !(k == StartContainer && len(h.Env) == 0):
			cmd.Env = h.Env
		case ctx.Env == nil:
			cmd.Env = os.Environ()
		default:
			cmd.Env = ctx.Env
		}
	}
}

// Run runs the hooks in order and stops at the first failure.
//
// Deprecated: use Kind.Run, which has runc's error phrase, cwd and env.
func Run(list []specs.Hook, stateJSON []byte) error {
	for i, h := range list {
		if err := runOne(h, stateJSON, legacyEnv(h)); err != nil {
			return fmt.Errorf("hook %d (%s): %w", i, h.Path, err)
		}
	}
	return nil
}

// RunEach runs every hook even when some fail, reporting each failure:
// poststart and poststop failures are warnings and must not stop the rest
// (runtime-spec lifecycle).
//
// Deprecated: use Kind.RunEach.
func RunEach(list []specs.Hook, stateJSON []byte, report func(error)) {
	for i, h := range list {
		if err := runOne(h, stateJSON, legacyEnv(h)); err != nil {
			report(fmt.Errorf("hook %d (%s): %w", i, h.Path, err))
		}
	}
}

func legacyEnv(h specs.Hook) func(*exec.Cmd) {
	return func(cmd *exec.Cmd) {
		cmd.Env = h.Env
		if cmd.Env == nil {
			cmd.Env = []string{}
		}
	}
}

func runOne(h specs.Hook, stateJSON []byte, setup func(*exec.Cmd)) error {
	ctx := context.Background()
	if h.Timeout != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(*h.Timeout)*time.Second)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, h.Path)
	if len(h.Args) > 0 {
		cmd.Args = h.Args
	} else {
		cmd.Args = []string{h.Path}
	}
	setup(cmd)
	cmd.Stdin = bytes.NewReader(stateJSON)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A hook that forks a child holding its stdout must not hang us.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	// runc's phrases (libcontainer/configs Command.Run).
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("hook ran past specified timeout of %.1fs", float64(*h.Timeout))
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("%w, stdout: %s, stderr: %s", err, stdout.String(), stderr.String())
		}
		return err
	}
	return nil
}
