#!/usr/bin/env bash
# make vmtest: boots a Debian kernel with pure cgroup v2 under qemu (TCG)
# and runs minirun's cgroup v2 and core lifecycle integration tests inside.
# The kernel comes from Debian's archive (apt-get download, never installed)
# and is cached. Results travel over a second serial port, apart from the
# kernel console. Usage: vmtest.sh path/to/minirun
set -euo pipefail
MINIRUN=$(realpath "$1")
cd "$(dirname "$0")/.."
GO=$(command -v go || echo /usr/local/go/bin/go)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/minirun-vm
# The VM's bound; the tests inside have 300 s of it (-test.timeout), so a
# hung test ends with its goroutines dumped to the results log, naming it.
TIMEOUT=${VMTEST_TIMEOUT:-600}
TESTS=${VMTEST_RUN:-'TestV2|TestRootlessRunSpecBundle|TestRootlessResourcesWithoutWritableCgroupFails|TestRootlessTerminal|TestRootlessSysfs|TestPidsLimitHoldsAForkBomb|TestMemoryOOMKillShowsInEvents|TestDevicesCgroupDeniesOthers|TestRuntimeBinaryCannotBeRewritten|TestRunReportsExitStatus|TestCreateStartStateKillDelete|TestDeleteForceAndCreatedDelete|TestDeleteStoppedKillsLeftovers|TestExecJoinsEveryNamespace|TestExecExitCodesAndEnv|TestBadInputFailsCleanly|TestSeccompFilterApplies|TestProcessSettings'}

if ! command -v qemu-system-x86_64 >/dev/null; then
	echo "vmtest: SKIP: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
	exit 0
fi

kernel() {
	mkdir -p "$CACHE"
	local k
	k=$(ls "$CACHE"/vmlinuz-* 2>/dev/null | head -n1 || true)
	if [ -z "$k" ]; then
		local pkg
		pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' | awk '{print $1}' | sort -V | tail -n1)
		[ -n "$pkg" ] || { echo "vmtest: no linux-image-6.1.0-*-amd64 in the apt lists (run apt-get update)" >&2; exit 1; }
		(cd "$CACHE" && apt-get download "$pkg" >/dev/null 2>&1 &&
			dpkg-deb --fsys-tarfile "$pkg"_*.deb | tar -x --strip-components=2 --wildcards './boot/vmlinuz-*' &&
			rm -f "$pkg"_*.deb)
		k=$(ls "$CACHE"/vmlinuz-* | head -n1)
	fi
	echo "$k"
}

work=$(mktemp -d /tmp/minirun-vmtest.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/initramfs
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,mnt,etc,lib64,usr/lib/x86_64-linux-gnu,lib/x86_64-linux-gnu}
cp "$(command -v busybox)" "$root/bin/busybox"
cp "$MINIRUN" "$root/bin/minirun"
# A dynamically linked minirun (a plain `go build`) needs its libc and
# libseccomp along; the static one from `make build` needs nothing.
for lib in $(ldd "$MINIRUN" 2>/dev/null | grep -o '/[^ ]*'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
CGO_ENABLED=0 "$GO" build -o "$root/bin/probe" ./integration/probe
CGO_ENABLED=0 "$GO" test -c -o "$root/bin/integration.test" ./integration
cat >"$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# pivot_root cannot leave the initramfs: move everything to a tmpfs first.
mkdir -p /newroot && mount -t tmpfs -o size=400m tmpfs /newroot
cp -a /bin /lib /lib64 /usr /etc /newroot/ 2>/dev/null
mkdir -p /newroot/proc /newroot/sys /newroot/dev /newroot/tmp
mount --move /proc /newroot/proc; mount --move /sys /newroot/sys; mount --move /dev /newroot/dev
exec switch_root /newroot /bin/sh -c '
	mount -t cgroup2 cgroup2 /sys/fs/cgroup
	echo "+cpuset +cpu +io +memory +pids" > /sys/fs/cgroup/cgroup.subtree_control
	ip link set lo up 2>/dev/null
	cd /tmp
	MINIRUN=/bin/minirun PROBE=/bin/probe /bin/integration.test -test.v -test.count=1 -test.timeout 300s -test.run "$TESTS" >/dev/ttyS1 2>&1
	echo "VMTEST-EXIT=\$?" >/dev/ttyS1
	sync; poweroff -f'
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null) >"$work/initrd.cpio"

k=$(kernel)
echo "vmtest: booting $(basename "$k") with cgroup v2 under qemu (TCG), tests: $TESTS"
start=$(date +%s)
set +e
timeout "$TIMEOUT" qemu-system-x86_64 -m 768M -smp 2 -nic none -nographic -no-reboot \
	-kernel "$k" -initrd "$work/initrd.cpio" \
	-append "console=ttyS0 quiet panic=-1 systemd.unified_cgroup_hierarchy=1 cgroup_no_v1=all" \
	-serial "file:$work/console.log" -serial "file:$work/results.log" </dev/null >/dev/null 2>&1
qrc=$?
set -e
cat "$work/results.log" | tr -d '\r'
echo "vmtest: VM ran $(($(date +%s) - start)) s"
code=$(tr -d '\r' <"$work/results.log" | sed -n 's/^VMTEST-EXIT=//p' | tail -n1)
if [ -z "$code" ]; then
	echo "vmtest: FAIL: no result from the VM (qemu exit $qrc); console tail:"
	tail -n 30 "$work/console.log"
	exit 1
fi
exit "$code"
