#!/usr/bin/env bash
# overload_bench.sh [BUILD_DIR]: the figures of docs/benchmarks/overload.md in one command:
# the lifecycle load (bench/lifecycle_load.sh) and the login flood (bench/login_flood.sh), on
# SQLite and on PostgreSQL + Redis. Run it under scripts/with-services.sh (`make bench-overload`
# does); their variables (BENCH_SERVERS, BENCH_WORKERS, BENCH_SECONDS, FLOOD_ATTEMPTS,
# FLOOD_SPREADS, BENCH_SERVER_ENV, BENCH_OUT) pass through.
#
# BENCH_BEFORE_REV=REV (a commit) compares that commit's server with BUILD_DIR's, cell by cell
# in the same run: REV's tree is exported (git archive) to BUILD_DIR/before-REV and its
# authkit-server built there with the bench preset, once.
set -euo pipefail
build=$(cd "${1:-build/bench}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

if [ -n "${BENCH_BEFORE_REV:-}" ]; then
  before="$build/before-$BENCH_BEFORE_REV"
  before_server="$before/build/bench/examples/server/authkit-server"
  if [ ! -x "$before_server" ]; then
    mkdir -p "$before"
    git -C "$repo" archive "$BENCH_BEFORE_REV" | tar -x -C "$before"
    (cd "$before" && cmake --preset bench > /dev/null &&
      cmake --build --preset bench --target authkit-server > /dev/null)
  fi
  export BENCH_SERVERS="before=$before_server after=$build/examples/server/authkit-server"
fi

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$repo" rev-parse --short HEAD 2> /dev/null || echo '?')${BENCH_BEFORE_REV:+ beside $BENCH_BEFORE_REV}, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== lifecycle load, no think time"
"$here/lifecycle_load.sh" "$build"
echo
echo "== login flood"
"$here/login_flood.sh" "$build"
