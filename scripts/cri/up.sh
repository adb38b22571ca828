#!/bin/bash
# Starts a private containerd for CRI tests of one OCI runtime:
#
#   scripts/cri/up.sh RUNDIR RUNTIME_BINARY [HANDLER]
#
# Everything lives under RUNDIR (root, state, sockets, the runtime's --root,
# CNI config, images, logs); nothing is read from /etc/containerd, /etc/cni or /opt/cni. The
# daemon runs in its own cgroup /minirun-cri-NAME in every hierarchy, so the
# shims it starts (and anything they leave) are below it; pods given that
# parent put their cgroups there too, pods without a parent (critest's, under
# the cgroupfs driver) get containerd's /k8s.io/ID. Pods get a loopback and a
# tap eth0 with 198.51.100.2/24 (TEST-NET-2) made inside their own network
# namespace and attached to nothing (this kernel has no dummy links): no
# bridge, veth, iptables or forwarding on the host; while the
# run lasts the host has a blackhole route for 198.51.100.0/24 so nothing sent
# there leaves the machine. Images are served by imagetool on 127.0.0.1 and
# every registry's hosts.toml points at it. scripts/cri/down.sh RUNDIR undoes
# all of it. Writes RUNDIR/env for the callers.
set -euo pipefail
rundir=${1:?usage: up.sh RUNDIR RUNTIME_BINARY [HANDLER]}
runtime=${2:?usage: up.sh RUNDIR RUNTIME_BINARY [HANDLER]}
handler=${3:-$(basename "$runtime")}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
pod_net=198.51.100.0/24
log() { echo "cri-up: $*" >&2; }

[ -x "$runtime" ] || { log "runtime $runtime is not executable"; exit 1; }
runtime=$(readlink -f "$runtime")
bin=$("$here/build.sh")
mkdir -p "$rundir"
rundir=$(readlink -f "$rundir")
name=minirun-cri-$(basename "$rundir")
mkdir -p "$rundir"/{root,state,tmp,net.d,certs.d,cdi,opt,nri/plugins,nri/conf.d,tools,log,runtime-root}
date +%s >"$rundir/started"
ip -o link show | awk -F': ' '{print $2}' | sort >"$rundir/links"

# The image helpers are tiny and build in seconds; the images are rebuilt
# for every run so they always match this checkout.
log "building images"
(cd "$repo" && CGO_ENABLED=0 "$GO" build -trimpath -o "$rundir/tools/imagetool" ./integration/criimages/imagetool &&
	CGO_ENABLED=0 "$GO" build -trimpath -ldflags '-s -w' -o "$rundir/tools/helper" ./integration/criimages/helper)
"$rundir/tools/imagetool" build -out "$rundir/images" -busybox "$(command -v busybox || echo /bin/busybox)" \
	-helper "$rundir/tools/helper"
"$rundir/tools/imagetool" serve -dir "$rundir/images" -addr 127.0.0.1:0 -addr-file "$rundir/registry.addr" \
	>"$rundir/log/registry.log" 2>&1 &
echo $! >"$rundir/registry.pid"
for _ in $(seq 50); do [ -s "$rundir/registry.addr" ] && break; sleep 0.1; done
reg=$(cat "$rundir/registry.addr")

# Every registry, named or not (_default), resolves to the local one only.
for host in _default registry.k8s.io k8s.gcr.io gcr.io minirun.local docker.io; do
	mkdir -p "$rundir/certs.d/$host"
	cat >"$rundir/certs.d/$host/hosts.toml" <<EOF
server = "http://$reg"
[host."http://$reg"]
  capabilities = ["pull", "resolve"]
EOF
done

cat >"$rundir/net.d/10-minirun-cri.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "minirun-cri",
  "plugins": [
    {"type": "tap", "owner": 0, "group": 0, "ipam": {"type": "static", "addresses": [{"address": "198.51.100.2/24"}]}}
  ]
}
EOF

# containerd gives sandboxes oom_score_adj -998; lowering it needs
# CAP_SYS_RESOURCE, which some hosts (VM sandboxes) take from the bounding
# set of every process. There containerd is told to clamp scores at its own.
restrict_oom=false
bnd=$(awk '/^CapBnd:/{print $2}' /proc/self/status)
(((0x$bnd >> 24) & 1)) || restrict_oom=true

cat >"$rundir/config.toml" <<EOF
version = 4
root = '$rundir/root'
state = '$rundir/state'
temp = '$rundir/tmp'
imports = []

[plugins.'io.containerd.server.v1.grpc']
  address = '$rundir/containerd.sock'
[plugins.'io.containerd.server.v1.ttrpc']
  address = '$rundir/containerd.sock.ttrpc'
[plugins.'io.containerd.internal.v1.opt']
  path = '$rundir/opt'
[plugins.'io.containerd.image-verifier.v1.bindir']
  bin_dir = '$rundir/image-verifier'
[plugins.'io.containerd.transfer.v1.local']
  config_path = '$rundir/certs.d'
[plugins.'io.containerd.nri.v1.nri']
  socket_path = '$rundir/nri.sock'
  plugin_path = '$rundir/nri/plugins'
  plugin_config_path = '$rundir/nri/conf.d'

[plugins.'io.containerd.cri.v1.images']
  snapshotter = 'overlayfs'
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = 'minirun.local/pause:3.10'
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = '$rundir/certs.d'

[plugins.'io.containerd.cri.v1.runtime']
  netns_mounts_under_state_dir = true
  restrict_oom_score_adj = $restrict_oom
  cdi_spec_dirs = ['$rundir/cdi']
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = '$handler'
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.'$handler']
      runtime_type = 'io.containerd.runc.v2'
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.'$handler'.options]
        BinaryName = '$runtime'
        Root = '$rundir/runtime-root'
        SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ['$bin']
    conf_dir = '$rundir/net.d'

[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = '127.0.0.1'
  stream_server_port = '0'
EOF

# The run's cgroup in every v1 hierarchy and the unified one; cpuset needs
# cpus and mems before a task may join (cgroup-v1/cpusets.rst).
for h in /sys/fs/cgroup/*/; do
	[ -f "$h/cgroup.procs" ] || continue
	mkdir -p "$h/$name"
	if [ -f "$h/cpuset.cpus" ]; then
		cat "$h/cpuset.cpus" >"$h/$name/cpuset.cpus"
		cat "$h/cpuset.mems" >"$h/$name/cpuset.mems"
	fi
done
[ -f /sys/fs/cgroup/cgroup.procs ] && mkdir -p "/sys/fs/cgroup/$name"

[ -d /sys/fs/cgroup/pids/k8s.io ] || [ -d /sys/fs/cgroup/k8s.io ] || touch "$rundir/k8s.io-cgroup-absent"

# Concurrent runs share the route: each holds a mark in /run/minirun-cri-route,
# and the last to go removes it (down.sh).
(
	flock 9
	route=$(ip route show "$pod_net")
	if [ -n "$route" ] && [ "${route%% *}" != blackhole ]; then
		log "the pod range $pod_net is routed on this host ($route): refusing to start"
		exit 1
	fi
	[ -n "$route" ] || ip route add blackhole "$pod_net"
	mkdir -p /run/minirun-cri-route
	echo "$rundir" >"/run/minirun-cri-route/$(basename "$rundir")"
	echo "$pod_net" >"$rundir/route"
) 9>/run/minirun-cri-route.lock

log "starting containerd ($rundir/log/containerd.log), runtime $handler = $runtime"
# The subshell joins the run's cgroups, then becomes containerd.
(
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		[ -d "$h/$name" ] && [ -f "$h/$name/cgroup.procs" ] && echo "$BASHPID" >"$h/$name/cgroup.procs"
	done
	PATH=$bin:$PATH exec "$bin/containerd" --config "$rundir/config.toml" --log-level info
) >"$rundir/log/containerd.log" 2>&1 &
echo $! >"$rundir/containerd.pid"
for _ in $(seq 100); do
	"$bin/ctr" --address "$rundir/containerd.sock" version >/dev/null 2>&1 && break
	kill -0 "$(cat "$rundir/containerd.pid")" 2>/dev/null || { tail -20 "$rundir/log/containerd.log" >&2; exit 1; }
	sleep 0.2
done

cat >"$rundir/crictl.yaml" <<EOF
runtime-endpoint: unix://$rundir/containerd.sock
image-endpoint: unix://$rundir/containerd.sock
timeout: 60
EOF
cat >"$rundir/env" <<EOF
CRI_BIN=$bin
CRI_SOCK=$rundir/containerd.sock
CRI_CGROUP=$name
CRI_HANDLER=$handler
CRI_RUNTIME=$runtime
CRI_REGISTRY=$reg
CRICTL_CONFIG=$rundir/crictl.yaml
EOF

# The images are imported ahead as a tarball, like an offline node (the
# sandbox image must be there before the first pod); tests that remove and
# pull again get them from the local registry.
tar -C "$rundir/images" -cf "$rundir/images.tar" .
"$bin/ctr" --address "$rundir/containerd.sock" -n k8s.io images import "$rundir/images.tar" >"$rundir/log/import.log"
for _ in $(seq 50); do
	"$bin/crictl" --config "$rundir/crictl.yaml" info 2>/dev/null |
		grep -q '"NetworkReady"' && break
	sleep 0.2
done
log "ready: unix://$rundir/containerd.sock, registry $reg"
