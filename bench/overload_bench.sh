#!/usr/bin/env bash
# overload_bench.sh [BUILD_DIR]: the figures of docs/benchmarks/overload.md in one command:
# the lifecycle load (bench/lifecycle_load.sh) and the login flood (bench/login_flood.sh), on
# SQLite and on PostgreSQL + Redis. Run it under scripts/with-services.sh (`make bench-overload`
# does); their variables (BENCH_SERVERS to compare builds side by side, BENCH_WORKERS,
# BENCH_SECONDS, FLOOD_ATTEMPTS, BENCH_SERVER_ENV, BENCH_OUT) pass through.
set -euo pipefail
build=${1:-build/bench}
here=$(cd "$(dirname "$0")" && pwd)
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== lifecycle load, no think time"
"$here/lifecycle_load.sh" "$build"
echo
echo "== login flood"
"$here/login_flood.sh" "$build"
