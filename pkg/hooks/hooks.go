// Package hooks owns running OCI hooks: the container state on stdin, the
// configured args and env, and the timeout.
package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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

// Run runs the hooks in order and stops at the first failure.
func Run(list []specs.Hook, stateJSON []byte) error {
	for i, h := range list {
		if err := runOne(h, stateJSON); err != nil {
			return fmt.Errorf("hook %d (%s): %w", i, h.Path, err)
		}
	}
	return nil
}

// RunEach runs every hook even when some fail, reporting each failure:
// poststart and poststop failures are warnings and must not stop the rest
// (runtime-spec lifecycle).
func RunEach(list []specs.Hook, stateJSON []byte, report func(error)) {
	for i, h := range list {
		if err := runOne(h, stateJSON); err != nil {
			report(fmt.Errorf("hook %d (%s): %w", i, h.Path, err))
		}
	}
}

func runOne(h specs.Hook, stateJSON []byte) error {
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
	cmd.Env = h.Env
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	cmd.Stdin = bytes.NewReader(stateJSON)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// A hook that forks a child holding its stdout must not hang us.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("timed out after %ds", *h.Timeout)
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("%w, output: %q", err, strings.TrimSpace(out.String()))
		}
		return err
	}
	return nil
}
