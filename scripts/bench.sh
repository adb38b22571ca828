#!/bin/sh
# make bench: lifecycle latency and peak RSS of minirun beside runc and crun.
set -eu
MINIRUN=$(realpath "${1:-bin/minirun}")
cd "$(dirname "$0")/.."
GO=$(command -v go || echo /usr/local/go/bin/go)
"$GO" build -o bin/bench ./bench
exec bin/bench -minirun "$MINIRUN" -n "${BENCH_N:-20}"
