#!/usr/bin/env bash
# auth_benchmark.sh [BUILD_DIR]: the figures of docs/benchmarks/auth-benchmark.md in one command
# (`make bench-auth`), under scripts/with-services.sh: the original service's published k6
# profile and a saturating load, on SQLite and on PostgreSQL + Redis, with the share of the
# server's CPU spent hashing passwords and the server's memory, then the server's RSS over a
# long refresh run, then bench/server_bench.sh (GET /v1/auth/me beside GET /health, wrk).
#
# Cells, each against a fresh server (bench/bench_server.sh: its defaults, Argon2id at
# libsodium's interactive cost, metrics on), BENCH_REPEATS times (default 2), the repeats
# interleaved so that a passing load on the shared machine weighs on every cell alike:
#   profile    authkit-loadgen --profile original: session-lifecycle, 5 workers for 20 s with
#              1 s think time, beside refresh-replay, 5 workers x 25 iterations from 2 s
#   saturate   lifecycle (both scenarios chained, no think time), BENCH_WORKERS (16) workers for
#              BENCH_SECONDS (20 s)
#   me, refresh-chain, login, health   each route alone, BENCH_WORKERS workers for
#              BENCH_ROUTE_SECONDS (10 s): the server's RSS under each scenario
# BENCH_CELLS chooses among these (default all, in this order); BCRYPT_CELLS (default "profile
# saturate") run again with the original's hash (PASSWORD_HASH_ALGORITHM=bcrypt,
# BCRYPT_ROUNDS=10), labelled LABEL-bcrypt10, so that its published figures compare like with like;
# then, once per backend, `refresh-chain` with BENCH_WORKERS workers for MEMORY_SECONDS (300 s),
# the server's RSS sampled every MEMORY_EVERY (5s). MEMORY_SECONDS=0 skips it; ME_ROUNDS (2)
# rounds of bench/server_bench.sh (0 skips it).
#
# BENCH_SERVERS, BENCH_SERVER_ENV and BENCH_OUT (default BUILD_DIR/auth-benchmark-results) pass
# through to bench/bench_server.sh. The JSON reports go to BENCH_OUT; the tables to stdout.
set -euo pipefail
build=$(cd "${1:-build/bench}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
repeats=${BENCH_REPEATS:-2}
workers=${BENCH_WORKERS:-16}
seconds=${BENCH_SECONDS:-20}
route_seconds=${BENCH_ROUTE_SECONDS:-10}
cells=${BENCH_CELLS-"profile saturate me refresh-chain login health"}
bcrypt_cells=${BCRYPT_CELLS-"profile saturate"}
memory_seconds=${MEMORY_SECONDS:-300}
memory_every=${MEMORY_EVERY:-5s}
me_rounds=${ME_ROUNDS:-2}
export BENCH_OUT=${BENCH_OUT:-$build/auth-benchmark-results}
# shellcheck source=bench/bench_server.sh
. "$here/bench_server.sh"
bench_setup "$build" auth-benchmark

# The server's VmRSS now, in KiB.
server_rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status"; }

# One cell: CELL against the fresh server bench_each_cell started; its JSON report and the
# server's idle RSS (after start-up, before any request but /health) are listed in $reports.
# shellcheck disable=SC2154  # loadgen, out, server_* are bench_server.sh's
auth_cell() {
  local backend=$1 cell=$2 label=$3 idle report
  local -a args
  sleep 1  # let start-up settle before the idle figure
  idle=$(server_rss_kib)
  case $cell in
    profile) args=(--profile original) ;;
    saturate) args=(--scenario lifecycle --workers "$workers" --duration "${seconds}s") ;;
    memory)
      args=(--scenario refresh-chain --workers "$workers" --duration "${memory_seconds}s"
        --rss-every "$memory_every")
      ;;
    *) args=(--scenario "$cell" --workers "$workers" --duration "${route_seconds}s") ;;
  esac
  report="$out/auth-$cell-$backend-r$repeat-$label.json"
  # Bounded: the run, plus preparation and every request's 30 s timeout.
  timeout --kill-after=10 $((memory_seconds + seconds + 150)) "$loadgen" --url "$server_url" \
    "${args[@]}" --server-pid "$server_pid" --metrics-token "$metrics_token" --json "$report" \
    --quiet
  reports+=("$backend:$cell:$repeat:$label:$idle:$report")
}

hash_settings() {
  echo "password hashing: the server's defaults on $(nproc) cores (Argon2id, 2 passes, 64 MiB;" \
    "PASSWORD_HASH_CONCURRENCY=$((2 * $(nproc)))) unless BENCH_SERVER_ENV says otherwise:" \
    "'${BENCH_SERVER_ENV:-}'"
}

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$repo" rev-parse --short HEAD 2> /dev/null || echo '?'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $(hash_settings)"
echo "== servers: $servers"

reports=()
for repeat in $(seq 1 "$repeats"); do
  bench_each_cell "$cells" auth_cell
done
if [ -n "$bcrypt_cells" ]; then
  argon2_servers=$servers argon2_env=${BENCH_SERVER_ENV:-}
  servers=$(for entry in $argon2_servers; do printf '%s ' "${entry%%=*}-bcrypt10=${entry#*=}"; done)
  BENCH_SERVER_ENV="$argon2_env PASSWORD_HASH_ALGORITHM=bcrypt BCRYPT_ROUNDS=10"
  for repeat in $(seq 1 "$repeats"); do
    bench_each_cell "$bcrypt_cells" auth_cell
  done
  servers=$argon2_servers BENCH_SERVER_ENV=$argon2_env
fi
echo "== load average after the cells: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$memory_seconds" -gt 0 ]; then
  repeat=1
  bench_each_cell "memory" auth_cell
  echo "== load average after the memory run: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

python3 "$here/auth_benchmark_tables.py" "${reports[@]}"

if [ "$me_rounds" -gt 0 ]; then
  echo
  echo "== GET /v1/auth/me beside GET /health (bench/server_bench.sh, wrk -t2 -c8, $me_rounds rounds)"
  first_server=${servers%% *}
  BENCH_ROUNDS=$me_rounds BENCH_SERVER_BIN=${first_server#*=} "$here/server_bench.sh" "$build"
fi
echo "JSON reports: $out" >&2
