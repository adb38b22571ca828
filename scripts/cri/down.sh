#!/bin/bash
# Undoes scripts/cri/up.sh RUNDIR: removes every pod through CRI, stops
# containerd and the registry, then cleans what a well-behaved runtime should
# have left nothing of, and counts it: processes naming RUNDIR or still in the
# run's cgroups, mounts under RUNDIR, cgroups below the run's parent or named
# by this run's IDs, stale shim sockets of this run, container state in the
# runtime's --root. The last line is
#
#   cri-down: leftover procs=N mounts=N cgroups=N sockets=N state=N
#
# (0 everywhere is a clean run). KEEP=1 keeps RUNDIR (logs, config).
set -uo pipefail
rundir=$(readlink -f "${1:?usage: down.sh RUNDIR}")
[ -d "$rundir" ] || { echo "cri-down: $rundir does not exist" >&2; exit 0; }
# shellcheck disable=SC1091
[ -f "$rundir/env" ] && . "$rundir/env"
name=${CRI_CGROUP:-minirun-cri-$(basename "$rundir")}
log() { echo "cri-down: $*" >&2; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if [ -n "${CRI_BIN:-}" ] && alive "$rundir/containerd.pid"; then
	crictl=("$CRI_BIN/crictl" --timeout 30s --runtime-endpoint "unix://$CRI_SOCK" --image-endpoint "unix://$CRI_SOCK")
	pods=$("${crictl[@]}" pods -q 2>/dev/null)
	if [ -n "$pods" ]; then
		log "removing $(echo "$pods" | wc -l) pod(s) left by the tests"
		for p in $pods; do
			"${crictl[@]}" stopp "$p" >/dev/null 2>&1
			"${crictl[@]}" rmp -f "$p" >/dev/null 2>&1 || log "rmp $p failed"
		done
	fi
	# Shims exit once their last task is deleted; give them a moment.
	for _ in $(seq 50); do
		grep -lsF -- "$rundir/containerd.sock" /proc/[0-9]*/cmdline | grep -q . || break
		sleep 0.1
	done
fi

for f in containerd registry; do
	if alive "$rundir/$f.pid"; then
		pid=$(cat "$rundir/$f.pid")
		kill -TERM "$pid"
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
	fi
done

# This script and its callers name RUNDIR too: spare the ancestor chain.
ancestors=" $$ "
p=$$
while [ "$p" -gt 1 ]; do
	p=$(awk '/^PPid:/{print $2}' "/proc/$p/status" 2>/dev/null || echo 1)
	ancestors+="$p "
done
procs=0
for c in /proc/[0-9]*/cmdline; do
	pid=${c#/proc/}; pid=${pid%/cmdline}
	case $ancestors in *" $pid "*) continue ;; esac
	if tr '\0' ' ' 2>/dev/null <"$c" | grep -qF -- "$rundir/"; then
		log "killing $pid: $(tr '\0' ' ' 2>/dev/null <"$c" | cut -c1-120)"
		kill -KILL "$pid" 2>/dev/null && procs=$((procs + 1))
	fi
done
for h in /sys/fs/cgroup/*/"$name" "/sys/fs/cgroup/$name"; do
	[ -d "$h" ] || continue
	while read -r pid; do
		[ -n "$pid" ] || continue
		log "killing $pid left in cgroup $h: $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | cut -c1-120)"
		kill -KILL "$pid" 2>/dev/null && procs=$((procs + 1))
	done < <(find "$h" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
done
sleep 0.3

mounts=0
while read -r m; do
	[ -n "$m" ] || continue
	umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || { log "cannot unmount $m"; continue; }
	mounts=$((mounts + 1))
done < <(awk -v d="$rundir/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r)
[ "$mounts" -gt 0 ] && log "unmounted $mounts mount(s) under $rundir"

# containerd names the cgroups of pods without a parent (critest's, under
# the cgroupfs driver) /k8s.io/ID; the IDs of this run are in its log.
cgroups=0
ids=$(grep -ohE '\b[0-9a-f]{64}\b' "$rundir/log/containerd.log" 2>/dev/null | sort -u)
for h in /sys/fs/cgroup/*/k8s.io /sys/fs/cgroup/k8s.io; do
	[ -d "$h" ] || continue
	for id in $ids; do
		[ -d "$h/$id" ] || continue
		log "removing leftover cgroup ${h#/sys/fs/cgroup/}/$id"
		find "$h/$id" -depth -type d -exec rmdir {} + 2>/dev/null || log "cannot remove cgroup $h/$id"
		cgroups=$((cgroups + 1))
	done
	[ -f "$rundir/k8s.io-cgroup-absent" ] && rmdir "$h" 2>/dev/null
done
for h in /sys/fs/cgroup/*/"$name" "/sys/fs/cgroup/$name"; do
	[ -d "$h" ] || continue
	while read -r d; do
		if [ "$d" != "$h" ]; then
			log "removing leftover cgroup ${d#/sys/fs/cgroup/}"
			cgroups=$((cgroups + 1))
		fi
		rmdir "$d" 2>/dev/null || log "cannot remove cgroup $d"
	done < <(find "$h" -depth -type d)
done

if [ -f "$rundir/route" ]; then
	(
		flock 9
		rm -f "/run/minirun-cri-route/$(basename "$rundir")"
		if rmdir /run/minirun-cri-route 2>/dev/null; then
			ip route del blackhole "$(cat "$rundir/route")" 2>/dev/null
			rm -f /run/minirun-cri-route.lock
		fi
	) 9>>/run/minirun-cri-route.lock
fi

# Pod links live and die in the pods' network namespaces; a host link that
# appeared during the run is reported (not removed: it may be someone else's).
if [ -f "$rundir/links" ]; then
	for l in $(comm -13 "$rundir/links" <(ip -o link show | awk -F': ' '{print $2}' | sort)); do
		log "a host network link appeared during the run: $l"
	done
fi

# Shim sockets live in /run/containerd/s whatever the state dir; a shim
# removes its own on a clean exit. Count those of this run nobody listens on.
sockets=0
if [ -d /run/containerd/s ] && [ -f "$rundir/started" ]; then
	listening=$(ss -xlH 2>/dev/null | awk '{print $5}')
	for s in $(find /run/containerd/s -maxdepth 1 -type s -newermt "@$(cat "$rundir/started")" 2>/dev/null); do
		echo "$listening" | grep -qxF "$s" && continue
		log "removing stale shim socket $s"
		rm -f "$s" && sockets=$((sockets + 1))
	done
fi

# The runtime's --root (the shim's Root option) should hold no container
# state once every pod is gone; caches (names starting with @) may stay.
state=0
for d in "$rundir"/runtime-root/*/*; do
	[ -e "$d" ] || continue
	case ${d##*/} in @*) log "runtime left its cache ${d#"$rundir"/}" ;; *)
		log "runtime left state ${d#"$rundir"/}"
		state=$((state + 1))
		;;
	esac
done

if [ "${KEEP:-0}" = 1 ]; then
	log "kept $rundir"
else
	# --one-file-system: never follow a mount that would not come off.
	rm -rf --one-file-system "$rundir"
fi
echo "cri-down: leftover procs=$procs mounts=$mounts cgroups=$cgroups sockets=$sockets state=$state"
