#!/bin/sh
# Runs one container with every isolation layer minirun applies, shows each
# from inside, then asks minirun to explain it from the host's side.
# Usage: demo.sh [path/to/minirun]. The lab pages (docs/lab/) start from here.
set -eu
MINIRUN=$(realpath "${1:-bin/minirun}")
BUSYBOX=$(command -v busybox) || { echo "demo: busybox-static is not installed" >&2; exit 1; }
if ! command -v jq >/dev/null; then
	echo "demo: installing jq (the demo and the labs edit config.json with it)"
	apt-get install -y -qq jq >/dev/null
fi
id=demo-$$
dir=$(mktemp -d /tmp/minirun-demo.XXXXXX)
chmod 755 "$dir" # the container's root is host uid 100000: it must reach the rootfs
m() { "$MINIRUN" --root "$dir/state" "$@"; }
cleanup() {
	m delete --force "$id" 2>/dev/null || true
	rmdir /sys/fs/cgroup/*/minirun-demo /sys/fs/cgroup/minirun-demo 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
say() { printf '\n== %s\n' "$*"; }

# A bundle: a busybox rootfs and `minirun spec --hardened` (Docker's 14
# capabilities, seccomp, no_new_privs, a user namespace mapping root to
# host uid 100000), plus 64 pids at most and a cgroup of its own.
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/sys" "$dir/rootfs/dev" "$dir/rootfs/tmp"
cp "$BUSYBOX" "$dir/rootfs/bin/busybox"
for app in sh cat echo grep hostname id readlink sleep tr sed; do ln -s busybox "$dir/rootfs/bin/$app"; done
cat >"$dir/rootfs/inside.sh" <<'INSIDE'
echo "hostname:     $(hostname) (its own uts namespace)"
echo "ids:          $(id) (root, but see uid_map)"
echo "uid_map:      $(tr -s ' ' </proc/self/uid_map | sed 's/^ //')  (inside 0 is outside 100000, 65536 ids)"
echo "pid 1:        $(cat /proc/1/comm) (its own pid namespace: the container's sleep is pid 1)"
echo "namespaces:   $(for n in pid net ipc uts mnt cgroup user; do readlink /proc/self/ns/$n; done | tr '\n' ' ')"
echo "pids.max:     $(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max)"
grep -e CapBnd -e NoNewPrivs -e '^Seccomp:' /proc/self/status | sed 's/:\t/: /'
echo "LSM label:    $(cat /proc/self/attr/current 2>/dev/null || echo none)"
INSIDE
cd "$dir"
m spec --hardened
aa=""
if [ -e /sys/kernel/security/apparmor ] && m apparmor load; then
	aa=minirun-default
fi
jq --arg cg "/minirun-demo/$id" --arg aa "$aa" '
	.process.terminal = false
	| .process.args = ["sleep", "3600"]
	| .linux.cgroupsPath = $cg
	| .linux.resources.pids = {"limit": 64}
	| if $aa != "" then .process.apparmorProfile = $aa else . end' config.json >config.new
mv config.new config.json

say "host: this shell's namespaces"
for n in pid net ipc uts mnt cgroup user; do printf '%s ' "$(readlink /proc/self/ns/$n)"; done; echo
say "the config asks for"
jq -r '"namespaces:   \([.linux.namespaces[].type] | join(" "))",
	"uid map:      \(.linux.uidMappings[0] | "\(.containerID) -> \(.hostID), \(.size) ids")",
	"pids limit:   \(.linux.resources.pids.limit)",
	"capabilities: \(.process.capabilities.bounding | length) of them in the bounding set",
	"seccomp:      default \(.linux.seccomp.defaultAction), \(.linux.seccomp.syscalls[0].names | length) syscalls fail with EPERM",
	"no_new_privs: \(.process.noNewPrivileges)"' config.json
if [ -n "$aa" ]; then
	echo "AppArmor:     profile $aa (loaded by minirun apparmor load)"
else
	echo "AppArmor:     not in this kernel, so none (minirun refuses to run a config that names a profile it cannot enforce: docs/lab/6-apparmor.md)"
fi

say "minirun run -d $id"
m run -d "$id"
say "inside the container (minirun exec $id sh /inside.sh)"
m exec "$id" sh /inside.sh
bnd=$(m exec "$id" grep CapBnd /proc/self/status | cut -f2)
echo "CapBnd decoded: $(capsh --decode="$bnd" 2>/dev/null | cut -d= -f2 || echo "(install libcap2-bin for capsh)")"
echo "  (the host's root holds $(grep CapBnd /proc/self/status | cut -f2): every other capability was dropped)"

say "the host's view: minirun explain $id"
m explain "$id"
say "minirun delete --force $id"
m delete --force "$id"
echo "done. Next: docs/lab.md, one lab per isolation layer."
