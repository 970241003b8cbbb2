#!/usr/bin/env bash
# bindings_bench.sh BUILD_DIR [ROUNDS]: the cost of one authenticate call from C++, C and Python,
# measured in the same run, and the ratios to C++ (docs/benchmarks/bindings.md). CPU time per
# call: on a shared machine wall-clock time mostly measures waiting for a core. Each round runs
# the native benchmarks then the Python ones, alternating so that a change of machine load
# touches every language; the table gives the median of the rounds' medians.
set -euo pipefail
build=${1:-build/bench}
rounds=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-/usr/bin/python3}

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for _ in $(seq "$rounds"); do
  "$build/bench/bindings_bench" --benchmark_repetitions=10 \
    --benchmark_report_aggregates_only=true --benchmark_enable_random_interleaving=true \
    --benchmark_format=csv 2>/dev/null |
    awk -F, '/_median"?,/ {gsub(/"/, "", $1); sub(/_median/, "", $1); print $1, $4}' >> "$results"
  PYTHONPATH="$build/bindings/python" "$python" "$here/bench/bindings_bench.py" >> "$results"
done

sort -k1,1 -k2,2n "$results" | awk -v rounds="$rounds" '
  {v[$1] = v[$1] " " $2; if (!($1 in seen)) {seen[$1] = 1; order[++n] = $1}}
  END {
    for (i = 1; i <= n; i++) {
      split(substr(v[order[i]], 2), a, " ")
      med[order[i]] = a[int((length(a) + 1) / 2)]
    }
    base = med["BM_AuthenticateCpp"]
    printf "%-24s %12s %8s   (median of %d rounds)\n", "benchmark", "CPU ns/call", "vs C++", rounds
    for (i = 1; i <= n; i++) printf "%-24s %12.0f %7.2fx\n", order[i], med[order[i]], med[order[i]] / base
  }'
