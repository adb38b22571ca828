package container

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/minirun/minirun/pkg/logs"
	"github.com/minirun/minirun/pkg/protocol"
	"github.com/minirun/minirun/pkg/state"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// sd_notify(3) support, as runc: when the caller has NOTIFY_SOCKET (a
// systemd Type=notify unit, podman --sdnotify=container), the container gets
// a socket of its own, and `start` waits for its READY=1 and passes it on
// to the caller's socket with the container's pid as MAINPID. The caller's
// socket itself never reaches the container.
const (
	notifyDir           = "notify" // in the state dir, bound into the container
	containerNotifyDir  = "/run/notify"
	containerNotifySock = containerNotifyDir + "/notify.sock"
)

// setupSdNotify (create) makes the state's notify directory, binds it
// read-only at /run/notify and points the process's NOTIFY_SOCKET there.
func (b *builder) setupSdNotify() error {
	if os.Getenv("NOTIFY_SOCKET") == "" {
		return nil
	}
	if mountNSMode(b.spec) == protocol.MountNSHost {
		logs.Warnf("NOTIFY_SOCKET: no mount namespace to give the container a notify socket in; not relayed")
		return nil
	}
	dir := filepath.Join(b.st.Dir(), notifyDir)
	// 0755: a container root mapped to another host uid must reach it.
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("NOTIFY_SOCKET: %w", err)
	}
	b.spec.Mounts = append(b.spec.Mounts, specs.Mount{Destination: containerNotifyDir, Type: "bind", Source: dir,
		Options: []string{"bind", "nosuid", "noexec", "nodev", "ro"}})
	env := b.spec.Process.Env[:0:0]
	for _, kv := range b.spec.Process.Env {
		if !strings.HasPrefix(kv, "NOTIFY_SOCKET=") {
			env = append(env, kv)
		}
	}
	b.spec.Process.Env = append(env, "NOTIFY_SOCKET="+containerNotifySock)
	return nil
}

// sdRelay is start's end: the container's socket and the caller's address.
type sdRelay struct {
	conn *net.UnixConn
	host string
}

// listenSdNotify (start) binds the container's notify socket, before the
// process runs, when the caller has NOTIFY_SOCKET and the container was
// created with a notify directory; nil otherwise.
func listenSdNotify(st *state.Container) (*sdRelay, error) {
	host := os.Getenv("NOTIFY_SOCKET")
	if host == "" {
		return nil, nil
	}
	dir := filepath.Join(st.Dir(), notifyDir)
	if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() {
		return nil, nil
	}
	path := filepath.Join(dir, "notify.sock")
	os.Remove(path) // a previous start's, if any
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return nil, fmt.Errorf("NOTIFY_SOCKET: %w", err)
	}
	// Writable for every uid: the container's root may be any host uid.
	if err := os.Chmod(path, 0o777); err != nil {
		conn.Close()
		return nil, fmt.Errorf("NOTIFY_SOCKET: %w", err)
	}
	return &sdRelay{conn: conn, host: host}, nil
}

// wait blocks until the container says READY (then tells the caller) or
// its init is gone. Only READY=1 and our own MAINPID are passed on: what
// else the container writes never reaches the caller's service manager.
func (r *sdRelay) wait(st *state.Container) error {
	defer r.conn.Close()
	buf := make([]byte, 4096)
	for {
		r.conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		n, err := r.conn.Read(buf)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			if !st.Alive() {
				return nil
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("NOTIFY_SOCKET: read the container's socket: %w", err)
		}
		for _, line := range strings.Split(string(buf[:n]), "\n") {
			if strings.TrimSpace(line) == "READY=1" {
				return r.tellHost(st.Pid)
			}
		}
	}
}

func (r *sdRelay) tellHost(pid int) error {
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: r.host, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("NOTIFY_SOCKET %s: %w", r.host, err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("READY=1\nMAINPID=" + strconv.Itoa(pid) + "\n")); err != nil {
		return fmt.Errorf("NOTIFY_SOCKET %s: %w", r.host, err)
	}
	return nil
}
