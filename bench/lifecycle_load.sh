#!/usr/bin/env bash
# lifecycle_load.sh [BUILD_DIR]: the original's k6 scenarios without think time against
# authkit-server (docs/benchmarks/overload.md): authkit-loadgen's `lifecycle` scenario
# (register -> login -> me -> refresh -> replay), BENCH_WORKERS workers (default "5 8") for
# BENCH_SECONDS (default 10) each, on SQLite and, under scripts/with-services.sh, on
# PostgreSQL + Redis. A fresh server per cell, started by bench/bench_server.sh.
#
# BENCH_SERVERS="LABEL=PATH ..." runs several server builds cell by cell, interleaved (default:
# "current=BUILD_DIR/examples/server/authkit-server"), so that before/after compare in one run.
# BENCH_SCENARIO (default lifecycle) and BENCH_THINK (default 0) change the scenario;
# BENCH_PROFILE=original runs the original's published profile instead (authkit-loadgen
# --profile original: its two scenarios side by side, with its 1 s think time unless BENCH_THINK
# is set), once per backend.
# JSON reports go to BENCH_OUT (default BUILD_DIR/overload-results); a table goes to stdout.
set -euo pipefail
build=${1:-build/bench}
here=$(cd "$(dirname "$0")" && pwd)
workers_list=${BENCH_WORKERS:-"5 8"}
seconds=${BENCH_SECONDS:-10}
scenario=${BENCH_SCENARIO:-lifecycle}
think=${BENCH_THINK:-0}
profile=${BENCH_PROFILE:-}
[ -n "$profile" ] && workers_list="profile"
# shellcheck source=bench/bench_server.sh
. "$here/bench_server.sh"
bench_setup "$build" lifecycle-load

# One cell: WORKERS workers of the scenario (or the original's profile) against a fresh server.
load_cell() {
  local backend=$1 workers=$2 label=$3 report
  local -a args
  if [ -n "$profile" ]; then
    args=(--profile "$profile" ${BENCH_THINK:+--think "$BENCH_THINK"})
    report="$out/load-profile-$profile-$backend-$label.json"
  else
    args=(--scenario "$scenario" --workers "$workers" --duration "${seconds}s" --think "$think")
    report="$out/load-$scenario-$backend-w$workers-$label.json"
  fi
  # Bounded: the run itself (the original's profile: at most 32 s), plus the preparation
  # and every request's 30 s timeout.
  timeout --kill-after=10 $((seconds + 150)) "$loadgen" --url "$server_url" "${args[@]}" \
    --server-pid "$server_pid" --json "$report" --quiet
  echo "-- $backend, $label, $workers workers: password-hash metrics" >&2
  bench_server_hash_metrics >&2
  reports+=("$backend:$label:$report")
}

reports=()
bench_each_cell "$workers_list" load_cell

python3 - "${reports[@]}" <<'PY'
import json, sys
print("| backend | server | workers | iterations/s | requests/s | checks passed | http_req_failed | register 201 / 503 | login 200 / 503 | p50 / p95 / p99 / max (ms) | loadgen CPU | server CPU |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for item in sys.argv[1:]:
    backend, label, path = item.split(":", 2)
    report = json.load(open(path))
    group = report["overall"]  # every group: one, or the original profile's two
    workers = "+".join(str(g["workers"]) for g in report["groups"])
    req, checks, by = group["requests"], group["checks"], group["by_request"]
    def answered(name, status):
        return by.get(name, {}).get("answers", {}).get(status, 0)
    def shed(name):
        return by.get(name, {}).get("status_503", 0)
    lat = req["latency_ms"]
    cpu = report["loadgen"]["share_of_one_core"]
    server = report.get("server", {}).get("cpu", {}).get("share_of_one_core", 0)
    total = checks["passed"] + checks["failed"]
    print(f"| {backend} | {label} | {workers} | {group['iterations_per_second']:.1f} "
          f"| {req['per_second']:.1f} | {checks['passed']}/{total} ({100 * checks['rate']:.1f} %) "
          f"| {100 * req['failed_rate']:.1f} % "
          f"| {answered('register', '201')} / {shed('register')} | {answered('login', '200')} / {shed('login')} "
          f"| {lat['p50']:.1f} / {lat['p95']:.1f} / {lat['p99']:.1f} / {lat['max']:.1f} "
          f"| {100 * cpu:.1f} % | {100 * server:.0f} % |")
PY
echo "JSON reports: $out" >&2
