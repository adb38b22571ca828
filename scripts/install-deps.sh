#!/bin/sh
# Installs what building and testing minirun needs on Debian 12 (as root).
set -eu
pkgs="build-essential pkg-config libseccomp-dev busybox-static iproute2 procps apparmor util-linux docker.io podman containerd qemu-system-x86 cpio libcap2-bin catatonit runc crun uidmap time"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then
	echo "install-deps: Go is missing (expected at /usr/local/go)" >&2
	exit 1
fi
