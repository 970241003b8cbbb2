#!/usr/bin/env bash
# ratelimit_bench.sh [BUILD_DIR]: the rate-limiter benchmark next to redis-benchmark's INCR,
# both against one throw-away redis-server at 8 clients. Run it under scripts/with-services.sh
# (it needs AUTHKIT_TEST_REDIS_URL), e.g.
#   cmake --preset bench && cmake --build --preset bench --target ratelimit_bench
#   scripts/with-services.sh bench/ratelimit_bench.sh build/bench
set -euo pipefail
build=${1:-build/bench}
url=${AUTHKIT_BENCH_REDIS_URL:-${AUTHKIT_TEST_REDIS_URL:?run under scripts/with-services.sh}}
hostport=${url#redis://}
hostport=${hostport%%/*}
host=${hostport%:*}
port=${hostport##*:}

echo "== redis-benchmark -t incr -c 8 -P 1 (127.0.0.1:$port)"
redis-benchmark -h "$host" -p "$port" -t incr -c 8 -P 1 -n 200000 -q | tr '\r' '\n' | grep 'requests per second'
echo "== ratelimit_bench"
"$build/bench/ratelimit_bench" --benchmark_min_time=2 --benchmark_counters_tabular=true
echo "== redis-benchmark again (after the limiter's run)"
redis-benchmark -h "$host" -p "$port" -t incr -c 8 -P 1 -n 200000 -q | tr '\r' '\n' | grep 'requests per second'
