// Package netdev owns linux.netDevices: host network devices moved into the
// container's network namespace, renamed, with their permanent global
// addresses, as runc 1.4+ does. The parent moves them over netlink once the
// namespace exists and before the init is configured.
package netdev

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"runtime"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Validate checks names and that the container has a network namespace
// to move them into (runc's rules).
func Validate(s *specs.Spec) error {
	if s.Linux == nil || len(s.Linux.NetDevices) == 0 {
		return nil
	}
	i := slices.IndexFunc(s.Linux.Namespaces, func(n specs.LinuxNamespace) bool { return n.Type == specs.NetworkNamespace })
	if i < 0 {
		return errors.New("linux.netDevices: needs a network namespace (linux.namespaces has no \"network\")")
	}
	// Because a joined namespace may be the host's own (the device would
	// be set down and renamed in place) or outlive the container (the
	// device would never come back), only a new one is accepted.
	if p := s.Linux.Namespaces[i].Path; p != "" {
		return fmt.Errorf("linux.netDevices: devices move only into a new network namespace; the config joins %s", p)
	}
	for host, d := range s.Linux.NetDevices {
		if !validName(host) {
			return fmt.Errorf("linux.netDevices: invalid network device name %q", host)
		}
		if d.Name != "" && !validName(d.Name) {
			return fmt.Errorf("linux.netDevices[%q].name: invalid network device name %q", host, d.Name)
		}
	}
	return nil
}

// validName is the kernel's dev_valid_name.
func validName(n string) bool {
	return n != "" && len(n) < unix.IFNAMSIZ && n != "." && n != ".." && !strings.ContainsAny(n, "/: \t\n\v\f\r")
}

// Move moves every device into the network namespace of pid. A device
// already moved stays there if a later one fails: the kernel hands it back
// (or, for a virtual device, deletes it) when the namespace goes, as the
// spec says.
func Move(pid int, devs map[string]specs.LinuxNetDevice) error {
	if len(devs) == 0 {
		return nil
	}
	host, err := openNL()
	if err != nil {
		return fmt.Errorf("linux.netDevices: %w", err)
	}
	defer host.Close()
	nsFd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/net", pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("linux.netDevices: open the container's network namespace: %w", err)
	}
	defer unix.Close(nsFd)
	inNS, err := openNLIn(nsFd)
	if err != nil {
		return fmt.Errorf("linux.netDevices: %w", err)
	}
	defer inNS.Close()
	names := make([]string, 0, len(devs))
	for n := range devs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		newName := devs[name].Name
		if newName == "" {
			newName = name
		}
		if err := moveOne(host, inNS, nsFd, name, newName); err != nil {
			return fmt.Errorf("linux.netDevices[%q]: %w", name, err)
		}
	}
	return nil
}

// openNLIn makes a netlink socket in the namespace nsFd, on a thread that
// ends afterwards (no UnlockOSThread), so no other goroutine runs there.
func openNLIn(nsFd int) (*nlSock, error) {
	type res struct {
		s   *nlSock
		err error
	}
	ch := make(chan res, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Setns(nsFd, unix.CLONE_NEWNET); err != nil {
			ch <- res{nil, fmt.Errorf("join the container's network namespace: %w", err)}
			return
		}
		s, err := openNL()
		ch <- res{s, err}
	}()
	r := <-ch
	return r.s, r.err
}

func moveOne(host, inNS *nlSock, nsFd int, name, newName string) error {
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		return fmt.Errorf("no such network device on the host: %w", err)
	}
	idx := int32(ifc.Index)
	// Down first, as runc: nothing on the host keeps using it mid-move.
	if _, err := host.request(unix.RTM_NEWLINK, 0, ifinfo(idx, 0, unix.IFF_UP)); err != nil {
		return fmt.Errorf("set down: %w", err)
	}
	addrs, err := permanentAddrs(host, idx)
	if err != nil {
		return err
	}
	// The move and the rename are one request, so the name never clashes
	// in either namespace.
	body := append(ifinfo(idx, 0, 0), attr(unix.IFLA_IFNAME, cstr(newName))...)
	body = append(body, attr(unix.IFLA_NET_NS_FD, u32(uint32(nsFd)))...)
	if _, err := host.request(unix.RTM_NEWLINK, 0, body); err != nil {
		return fmt.Errorf("move to the container's network namespace as %q: %w", newName, err)
	}
	newIdx, err := linkIndex(inNS, newName)
	if err != nil {
		return err
	}
	// The kernel drops addresses on a move; the permanent global ones are
	// the user's configuration and come along (runc does the same).
	for _, a := range addrs {
		binary.NativeEndian.PutUint32(a[4:], uint32(newIdx))
		if _, err := inNS.request(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_EXCL, a); err != nil {
			return fmt.Errorf("add address in the container: %w", err)
		}
	}
	return nil
}

func linkIndex(s *nlSock, name string) (int32, error) {
	replies, err := s.request(unix.RTM_GETLINK, 0, append(ifinfo(0, 0, 0), attr(unix.IFLA_IFNAME, cstr(name))...))
	if err != nil || len(replies) == 0 || len(replies[0]) < unix.SizeofIfInfomsg {
		return 0, fmt.Errorf("find %q in the container's network namespace: %v", name, err)
	}
	return int32(binary.NativeEndian.Uint32(replies[0][4:])), nil
}

// permanentAddrs returns the ifaddrmsg and address attributes of idx's
// permanent, global-scope addresses, ready to be sent again.
func permanentAddrs(s *nlSock, idx int32) ([][]byte, error) {
	replies, err := s.request(unix.RTM_GETADDR, unix.NLM_F_DUMP, make([]byte, unix.SizeofIfAddrmsg))
	if err != nil {
		return nil, fmt.Errorf("list addresses: %w", err)
	}
	var out [][]byte
	for _, r := range replies {
		if len(r) < unix.SizeofIfAddrmsg || int32(binary.NativeEndian.Uint32(r[4:])) != idx {
			continue
		}
		flags := uint32(r[2])
		at := attrs(r[unix.SizeofIfAddrmsg:])
		if f, ok := at[unix.IFA_FLAGS]; ok && len(f) == 4 {
			flags = binary.NativeEndian.Uint32(f)
		}
		if flags&unix.IFA_F_PERMANENT == 0 || r[3] != unix.RT_SCOPE_UNIVERSE {
			continue
		}
		msg := append([]byte(nil), r[:unix.SizeofIfAddrmsg]...)
		msg[2] = 0
		for _, t := range []uint16{unix.IFA_LOCAL, unix.IFA_ADDRESS, unix.IFA_BROADCAST} {
			if v, ok := at[t]; ok {
				msg = append(msg, attr(t, v)...)
			}
		}
		out = append(out, msg)
	}
	return out, nil
}
