#!/usr/bin/env bash
# make conformance: builds the OCI runtime-tools validation programs from
# the Go module proxy and runs each against a runtime, printing one line per
# program and the assertion totals. Usage: conformance.sh RUNTIME [PROGRAM...]
set -uo pipefail
RUNTIME=$(realpath "$1"); shift
VERSION=${RUNTIME_TOOLS_VERSION:-v0.9.1-0.20251205004911-5e639034dcdc}
MOD=github.com/opencontainers/runtime-tools
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/minirun-conformance/$VERSION
GO=$(command -v go || echo /usr/local/go/bin/go)
[ "$(id -u)" = 0 ] || { echo "conformance: run as root" >&2; exit 2; }

if [ ! -x "$CACHE/bin/runtimetest" ]; then
	echo "conformance: building $MOD@$VERSION into $CACHE" >&2
	mkdir -p "$CACHE/src" "$CACHE/bin"
	(cd "$CACHE/src" && { [ -f go.mod ] || "$GO" mod init conformance >/dev/null 2>&1; } &&
		export CGO_ENABLED=0 GOFLAGS=-mod=mod &&
		"$GO" get "$MOD/validation/...@$VERSION" "$MOD/cmd/runtimetest@$VERSION" &&
		"$GO" build -o "$CACHE/bin/" "$MOD/validation/..." &&
		"$GO" build -tags 'netgo osusergo' -o "$CACHE/bin/runtimetest" "$MOD/cmd/runtimetest" &&
		cp "$("$GO" list -m -f '{{.Dir}}' "$MOD")/rootfs-amd64.tar.gz" "$CACHE/bin/") >&2 ||
		{ echo "conformance: build failed" >&2; exit 2; }
fi

work=$(mktemp -d /tmp/minirun-conformance.XXXXXX)
state=$work/state
trap 'for id in $("$RUNTIME" --root "$state" list -q 2>/dev/null); do "$RUNTIME" --root "$state" delete --force "$id"; done; rm -rf "$work"' EXIT
cp "$CACHE/bin/runtimetest" "$CACHE/bin/rootfs-amd64.tar.gz" "$work/"
# The suite calls $RUNTIME with runc's arguments; the wrapper adds a private --root.
printf '#!/bin/sh\nexec %q --root %q "$@"\n' "$RUNTIME" "$state" >"$work/runtime"
chmod +x "$work/runtime"

progs=("$@")
if [ ${#progs[@]} -eq 0 ]; then
	for f in "$CACHE"/bin/*; do
		case "${f##*/}" in runtimetest | rootfs-*) ;; *) progs+=("${f##*/}") ;; esac
	done
fi
pass=0 fail=0 ppass=0 pfail=0
for p in "${progs[@]}"; do
	out=$(cd "$work" && RUNTIME="$work/runtime" TMPDIR="$work" timeout 60 "$CACHE/bin/$p" 2>"$work/$p.stderr" </dev/null)
	rc=$?
	ok=$(grep '^ok ' <<<"$out" | grep -vc '# SKIP')
	nok=$(grep -c '^not ok ' <<<"$out")
	if [ "$rc" != 0 ] && [ "$nok" = 0 ]; then nok=1; fi
	if [ "$ok" = 0 ] && [ "$nok" = 0 ]; then ok=1; fi # programs that only report by exit status
	status=PASS
	[ "$nok" -gt 0 ] && status=FAIL
	[ "$status" = PASS ] && ppass=$((ppass + 1)) || pfail=$((pfail + 1))
	printf '%-5s %-34s ok=%-4d not_ok=%d\n' "$status" "$p" "$ok" "$nok"
	pass=$((pass + ok)) fail=$((fail + nok))
	for id in $("$RUNTIME" --root "$state" list -q 2>/dev/null); do "$RUNTIME" --root "$state" delete --force "$id" 2>/dev/null; done
done
echo "programs: $ppass passed, $pfail failed"
echo "$pass passed, $fail failed"
