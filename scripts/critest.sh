#!/bin/bash
# Runs the CRI validation suite (critest, sigs.k8s.io/cri-tools) against a
# private containerd whose runc shim drives the runtime under test:
#
#   scripts/critest.sh [RUNTIME_BINARY]     (default: bin/minirun)
#
# HANDLER names the runtime handler (default: the binary's name), FOCUS a
# ginkgo focus regex, KEEP=1 keeps the run directory. Ends with
# "N passed, N failed, N skipped" and exits non-zero when a spec failed.
# The full ginkgo output, a JSON report and containerd's log are copied to
# LOGDIR (default /var/tmp/minirun-critest-logs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
runtime=$(readlink -f "${1:-$repo/bin/minirun}")
handler=${HANDLER:-$(basename "$runtime")}
logdir=${LOGDIR:-/var/tmp/minirun-critest-logs}/$handler
# jq reads ginkgo's JSON report (a Debian package, like the rest of deps).
command -v jq >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null
rundir=$(mktemp -d /var/tmp/minirun-cri.XXXXXX)
# Searchable, as containerd's own /run/containerd (0711): the init of a
# user-namespace pod runs as a mapped uid and must reach the rootfs below.
chmod 0711 "$rundir"
mkdir -p "$logdir"

summary="0 passed, 1 failed, 0 skipped"
shm_ids() { ipcs -m 2>/dev/null | awk '$2 ~ /^[0-9]+$/ {print $2}' | sort; }
shm_before=$(shm_ids)
finish() {
	cp "$rundir/log/containerd.log" "$logdir/containerd.log" 2>/dev/null || true
	"$here/cri/down.sh" "$rundir" | tail -1
	# critest's HostIpc specs make System V segments on the host (ipcmk) and
	# never remove them.
	n=0
	for id in $(comm -13 <(echo "$shm_before") <(shm_ids)); do
		ipcrm -m "$id" 2>/dev/null && n=$((n + 1))
	done
	[ "$n" = 0 ] || echo "critest: removed $n shared memory segment(s) the HostIpc specs left on the host"
	echo "$summary"
}
trap finish EXIT
t0=$(date +%s)
"$here/cri/up.sh" "$rundir" "$runtime" "$handler"
# shellcheck disable=SC1091
. "$rundir/env"

# Specs not run here, each with its reason (ginkgo regex on the full text).
skips=(
	"AppArmor|apparmor profile loads profiles into the host kernel (host-wide state)"
	"port mapping with host port|hostPort needs the portmap CNI plugin and iptables rules on the host"
	"port mapping with only container port|connects from the host to the pod IP, a non-loopback address"
	"should support portforward \\[Conformance\\]|checks the server at the pod IP (non-loopback) before forwarding"
	"Multiple Containers.*should support network|connects from the host to the pod IP, a non-loopback address"
	"should support MaskedPaths|Debian's busybox-static shell runs applets without exec, so a mask of /bin/ls cannot show"
	"public image with digest|pulls by the digest of cri-tools' CI build, which an offline rebuild cannot reproduce"
)
skip_re=""
for s in "${skips[@]}"; do
	echo "critest: skipping /${s%%|*}/: ${s#*|}"
	skip_re+="${skip_re:+|}${s%%|*}"
done

echo "critest: $CRI_BIN/critest against $handler = $runtime (log: $logdir/critest.log)"
set +e
"$CRI_BIN/critest" \
	--runtime-endpoint "unix://$CRI_SOCK" --image-endpoint "unix://$CRI_SOCK" \
	--nri-socket "$(dirname "$CRI_SOCK")/nri.sock" \
	--ginkgo.skip "$skip_re" ${FOCUS:+--ginkgo.focus "$FOCUS"} \
	--ginkgo.no-color --ginkgo.json-report "$logdir/report.json" \
	>"$logdir/critest.log" 2>&1
rc=$?
set -e
t1=$(date +%s)

grep -E '^(Ran [0-9]+ of|FAIL!|SUCCESS!)' "$logdir/critest.log" || tail -5 "$logdir/critest.log"
if [ -s "$logdir/report.json" ]; then
	jq -r '.[0].SpecReports[] | select(.State == "failed" or .State == "panicked" or .State == "timedout")
		| "FAILED: " + ((.ContainerHierarchyTexts // []) + [.LeafNodeText] | join(" ")) + "\n    " +
		((.Failure.Message // "") | gsub("\n"; " ") | .[0:400])' "$logdir/report.json" >"$logdir/failures.txt"
	cat "$logdir/failures.txt"
	read -r passed failed skipped < <(jq -r '[.[0].SpecReports[] | select(.LeafNodeType == "It") | .State] |
		"\(map(select(. == "passed")) | length) \(map(select(. == "failed" or . == "panicked" or . == "timedout")) | length) \(map(select(. == "skipped" or . == "pending")) | length)"' \
		"$logdir/report.json")
else
	passed=0 failed=1 skipped=0
fi
echo "critest: $handler took $((t1 - t0))s"
summary="$passed passed, $failed failed, $skipped skipped"
[ "$rc" = 0 ] && [ "$failed" = 0 ]
