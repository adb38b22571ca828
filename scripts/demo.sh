#!/bin/sh
# Builds a busybox bundle in a temp dir and runs one container in it that
# prints what isolation it got. Usage: demo.sh [path/to/minirun]
set -eu
MINIRUN=$(realpath "${1:-bin/minirun}")
BUSYBOX=$(command -v busybox) || { echo "demo: busybox-static is not installed" >&2; exit 1; }
dir=$(mktemp -d /tmp/minirun-demo.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/sys" "$dir/rootfs/dev" "$dir/rootfs/tmp"
cp "$BUSYBOX" "$dir/rootfs/bin/busybox"
for app in sh ls cat echo grep hostname id ps readlink head sleep tr touch; do ln -s busybox "$dir/rootfs/bin/$app"; done
cat >"$dir/rootfs/demo.sh" <<'DEMO'
echo "== inside the container"
echo "hostname:      $(hostname)"
echo "my pid:        $$ (pid 1 of a new pid namespace)"
echo "ids:           $(id)"
echo "processes:"; ps
echo "namespaces:"; for n in /proc/self/ns/*; do echo "  $(readlink "$n")"; done
echo "capabilities:"; grep -E '^Cap(Eff|Bnd)' /proc/self/status
echo "no_new_privs:  $(grep NoNewPrivs /proc/self/status | cut -f2)"
echo "cgroup:        $(head -c 200 /proc/self/cgroup | grep pids)"
echo "pids.max:      $(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max)"
echo "root fs:       $(ls / | tr "\n" " ") (read-only: $(touch /x 2>&1 | head -1))"
DEMO
cd "$dir"
"$MINIRUN" spec
# Edit runc's default config: no terminal, the demo script, 64 pids, own cgroup.
sed -i -e 's/"terminal": true/"terminal": false/' \
	-e 's/^\(\t*\)"sh"$/\1"sh", "\/demo.sh"/' \
	-e 's/"resources": {/"resources": {"pids": {"limit": 64},/' \
	-e "s|\"linux\": {|\"linux\": {\"cgroupsPath\": \"/minirun-demo/demo-$$\",|" config.json
echo "== host: $(hostname), namespaces of this shell:"
for n in /proc/self/ns/*; do echo "  $(readlink "$n")"; done
"$MINIRUN" --root "$dir/state" run "demo-$$"
rmdir /sys/fs/cgroup/*/minirun-demo 2>/dev/null || true
