#!/bin/sh
# Makes an OCI bundle for the lab pages: ./NAME/rootfs holds a static
# busybox, ./NAME/config.json is `minirun spec` (runc's defaults) with no
# terminal, `sleep 3600` as the process, and its own cgroup
# /minirun-lab/NAME. Usage: sh docs/lab/bundle.sh NAME
# (MINIRUN_LAB_CGROUP changes the /minirun-lab prefix; the lab test uses it.)
set -eu
name=${1:?usage: bundle.sh NAME}
busybox=$(command -v busybox) || { echo "bundle.sh: busybox-static is not installed" >&2; exit 1; }
command -v jq >/dev/null || { echo "bundle.sh: jq is not installed (apt-get install jq)" >&2; exit 1; }
mkdir -p "$name/rootfs"
cd "$name"
for d in bin proc sys dev etc tmp root; do mkdir -p "rootfs/$d"; done
cp "$busybox" rootfs/bin/busybox
for app in $(rootfs/bin/busybox --list); do
	[ "$app" = busybox ] || ln -sf busybox "rootfs/bin/$app"
done
echo 'root:x:0:0:root:/root:/bin/sh' >rootfs/etc/passwd
echo 'root:x:0:' >rootfs/etc/group
minirun spec
jq --arg cg "${MINIRUN_LAB_CGROUP:-/minirun-lab}/$name" '
	.process.terminal = false
	| .process.args = ["sleep", "3600"]
	| .linux.cgroupsPath = $cg' config.json >config.json.new
mv config.json.new config.json
echo "bundle $PWD: busybox rootfs, config.json (cgroup $(jq -r .linux.cgroupsPath config.json))"
