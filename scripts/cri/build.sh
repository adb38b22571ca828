#!/bin/sh
# Builds the CRI test tools at pinned versions from the Go module proxy into a
# cache (default ~/.cache/minirun-cri), once: containerd with its runc shim and
# ctr, crictl and critest (cri-tools), and the CNI plugins the run uses.
# Prints the bin directory on stdout; everything else goes to stderr.
#
# containerd and cri-tools are pinned as a pair that speaks the same CRI API
# (both require k8s.io/cri-api v0.37.0).
set -eu
CONTAINERD_VERSION=${CONTAINERD_VERSION:-v2.4.2}
CRI_TOOLS_VERSION=${CRI_TOOLS_VERSION:-v1.37.0}
CNI_PLUGINS_VERSION=${CNI_PLUGINS_VERSION:-v1.9.1}
CACHE=${MINIRUN_CRI_CACHE:-${HOME:-/root}/.cache/minirun-cri}
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
PATH=$(dirname "$GO"):$PATH
export PATH

bin=$CACHE/containerd-$CONTAINERD_VERSION.cri-tools-$CRI_TOOLS_VERSION.cni-$CNI_PLUGINS_VERSION
want="containerd containerd-shim-runc-v2 ctr crictl critest loopback tap static"
have=1
for b in $want; do [ -x "$bin/$b" ] || have=0; done
if [ $have = 1 ]; then echo "$bin"; exit 0; fi

mkdir -p "$bin"
log() { echo "cri-build: $*" >&2; }
# Pure Go everywhere (CGO_ENABLED=0, as containerd builds its shim): this
# drops the btrfs snapshotter, which needs cgo and is not used here; the other
# unused snapshotters are left out by tag. -modcacherw keeps the cache
# removable.
export CGO_ENABLED=0 GOFLAGS="-modcacherw -buildvcs=false" GOBIN="$bin"
tags="urfave_cli_no_docs no_btrfs no_devmapper no_zfs"
ldc="-s -w -X github.com/containerd/containerd/v2/version.Version=$CONTAINERD_VERSION"

log "containerd $CONTAINERD_VERSION (containerd, ctr)"
"$GO" install -trimpath -tags "$tags" -ldflags "$ldc" \
	"github.com/containerd/containerd/v2/cmd/containerd@$CONTAINERD_VERSION" \
	"github.com/containerd/containerd/v2/cmd/ctr@$CONTAINERD_VERSION" >&2
log "containerd-shim-runc-v2 $CONTAINERD_VERSION"
"$GO" install -trimpath -tags "$tags no_grpc" -ldflags "$ldc" \
	"github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2@$CONTAINERD_VERSION" >&2

log "CNI plugins $CNI_PLUGINS_VERSION (loopback, tap, static)"
"$GO" install -trimpath -ldflags "-s -w" \
	"github.com/containernetworking/plugins/plugins/main/loopback@$CNI_PLUGINS_VERSION" \
	"github.com/containernetworking/plugins/plugins/main/tap@$CNI_PLUGINS_VERSION" \
	"github.com/containernetworking/plugins/plugins/ipam/static@$CNI_PLUGINS_VERSION" >&2

# critest is a compiled ginkgo test (go test -c), which needs the module as
# the main module: build it from a writable copy of the downloaded source.
log "cri-tools $CRI_TOOLS_VERSION (crictl, critest)"
dir=$("$GO" mod download -json "sigs.k8s.io/cri-tools@$CRI_TOOLS_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
src=$CACHE/src/cri-tools-$CRI_TOOLS_VERSION
rm -rf "$src"; mkdir -p "$CACHE/src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
ldt="-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$CRI_TOOLS_VERSION"
(cd "$src" && "$GO" build -trimpath -ldflags "$ldt" -o "$bin/crictl" ./cmd/crictl >&2 &&
	"$GO" test -c -trimpath -ldflags "$ldt" -o "$bin/critest" ./cmd/critest >&2)
echo "$bin"
