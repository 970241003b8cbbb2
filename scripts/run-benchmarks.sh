#!/usr/bin/env bash
# run-benchmarks.sh BUILD_DIR: every benchmark with its reference, as docs/benchmarks/ reports
# them. Run under scripts/with-services.sh (`make bench` does), which provides PostgreSQL and
# Redis. Figures go to stdout; copy them into docs/benchmarks/ with the date and the machine.
set -euo pipefail
build=${1:-build/bench}
here=$(cd "$(dirname "$0")/.." && pwd)
: "${AUTHKIT_TEST_POSTGRES_URL:?run under scripts/with-services.sh}"

echo "== tokens (docs/benchmarks/tokens.md)"
"$build/bench/tokens_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

echo "== request bodies (docs/benchmarks/json-body.md)"
"$build/bench/json_body_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

echo "== storage (docs/benchmarks/storage.md)"
"$build/bench/storage_bench" --benchmark_counters_tabular=true
pgbench="$AUTHKIT_TEST_PG_BIN/pgbench"
"$pgbench" -i -s 10 -q "$AUTHKIT_TEST_POSTGRES_URL"
echo "-- pgbench -S, 8 clients (reference)"
"$pgbench" -S -c 8 -j 2 -T 15 -n "$AUTHKIT_TEST_POSTGRES_URL" | grep -E '^tps'

echo "== rate limiting (docs/benchmarks/ratelimit.md)"
"$here/bench/ratelimit_bench.sh" "$build"

echo "== bindings (docs/benchmarks/bindings.md)"
"$here/bench/bindings_bench.sh" "$build"

echo "== server (docs/benchmarks/server.md)"
"$here/bench/server_bench.sh" "$build"

echo "== overload: the original's scenarios and a login flood (docs/benchmarks/overload.md)"
"$here/bench/overload_bench.sh" "$build"
