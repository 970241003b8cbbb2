#!/usr/bin/env bash
# login_flood.sh [BUILD_DIR]: FLOOD_ATTEMPTS (default 200) concurrent logins of one user, each
# on a new connection from 127.0.0.1, against authkit-server (docs/benchmarks/overload.md),
# twice: all connecting at once ("burst": past the server's listen backlog of 5 the kernel
# resets some connections, counted apart as transport errors), then connecting one after another
# over 1 s ("spread": most attempts reach the server, and they still wait there together, a
# login taking longer than that). FLOOD_SPREADS (default "0ms 1s") chooses. The kernel's listen
# queue overflows during each flood are counted from /proc/net/netstat.
# Reports how many were served (200) and shed (503), how long they waited, what /health and
# /v1/auth/me answered meanwhile (probes every 50 ms on kept-alive connections, beside their
# idle latency measured just before at the same pace; /health also on a new connection every
# 100 ms), whether a login from another address (127.0.0.2, one a second) was served, and the
# server's peak RSS (VmRSS sampled every 10 ms, and VmHWM) with its password-hash counters.
# On SQLite and, under scripts/with-services.sh, on PostgreSQL + Redis; a fresh server each.
#
# BENCH_SERVERS="LABEL=PATH ..." floods several server builds in turn (default:
# "current=BUILD_DIR/examples/server/authkit-server"). JSON reports go to BENCH_OUT (default
# BUILD_DIR/overload-results); a table goes to stdout.
set -euo pipefail
build=${1:-build/bench}
here=$(cd "$(dirname "$0")" && pwd)
attempts=${FLOOD_ATTEMPTS:-200}
spreads=${FLOOD_SPREADS:-"0ms 1s"}
# shellcheck source=bench/bench_server.sh
. "$here/bench_server.sh"
bench_setup "$build" login-flood

probes=(--group "health,name=health,probe=1,interval=50ms"
  --group "me,name=me,probe=1,interval=50ms")

# The kernel's count of connections refused because a listen queue was full (system-wide: other
# programs on the machine may add to it), read around each flood.
listen_overflows() {
  awk '/^TcpExt:/ { if (!seen) { for (i = 1; i <= NF; i++) if ($i == "ListenOverflows") col = i; seen = 1 } else print $col }' /proc/net/netstat
}

# One cell: a flood connecting over SPREAD against a fresh server, with the probes beside it.
flood_cell() {
  local backend=$1 spread=$2 label=$3
  local name="flood-$backend-spread$spread-$label" overflows_before
  # The probes alone for 3 s: their latency on an idle server, at the same pace.
  timeout --kill-after=10 120 "$loadgen" --url "$server_url" --quiet --json "$out/$name-idle.json" \
    --group "health,name=health,interval=50ms,workers=1,duration=3s" \
    --group "me,name=me,interval=50ms,workers=1,duration=3s"
  overflows_before=$(listen_overflows)
  # Bounded: every attempt gets an answer or a transport error within the 30 s timeout.
  timeout --kill-after=10 300 "$loadgen" --url "$server_url" --quiet --json "$out/$name.json" \
    --server-pid "$server_pid" \
    --group "login,name=flood,workers=$attempts,iterations=1,keep-alive=0,spread=$spread" \
    "${probes[@]}" \
    --group "health,name=health-new-connection,probe=1,interval=100ms,keep-alive=0" \
    --group "login,name=login-other-address,probe=1,interval=1s,source=127.0.0.2"
  echo $(($(listen_overflows) - overflows_before)) > "$out/$name-overflows.txt"
  bench_server_hash_metrics > "$out/$name-metrics.txt"
  reports+=("$backend:$spread:$label:$out/$name")
}

reports=()
bench_each_cell "$spreads" flood_cell

python3 - "${reports[@]}" <<'PY'
import json, sys
def mib(kib): return f"{kib / 1024:.0f} MiB"
rows = []
print("| backend | connecting | server | attempts | served (200) | shed (503) | other answers | listen overflows | flood lasted | attempt p50 / p99 / max (ms) | /health p99 idle → flood | /me p99 idle → flood | /health new conn. p99 / max | other address: served / shed | server RSS before → peak (VmHWM) |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for item in sys.argv[1:]:
    backend, spread, label, base = item.split(":", 3)
    metrics_path = base + "-metrics.txt"
    idle = {g["name"]: g for g in json.load(open(base + "-idle.json"))["groups"]}
    report = json.load(open(base + ".json"))
    groups = {g["name"]: g for g in report["groups"]}
    flood = groups["flood"]["requests"]
    answers = flood["answers"]
    served = answers.get("200", 0)
    shed = flood["status_503"]
    other = ", ".join(f"{k} ×{v}" for k, v in answers.items()
                      if k != "200" and not k.startswith("503")) or "0"
    lat = flood["latency_ms"]
    def p99(groups, name): return groups[name]["requests"]["latency_ms"]["p99"]
    new_conn = groups["health-new-connection"]["requests"]["latency_ms"]
    other_addr = groups["login-other-address"]["requests"]
    server = report["server"]
    connecting = "at once" if spread in ("0", "0ms", "0s") else f"over {spread}"
    print(f"| {backend} | {connecting} | {label} | {flood['sent']} | {served} | {shed} | {other} "
          f"| {open(base + '-overflows.txt').read().strip()} "
          f"| {groups['flood']['elapsed_seconds']:.1f} s "
          f"| {lat['p50']:.0f} / {lat['p99']:.0f} / {lat['max']:.0f} "
          f"| {p99(idle, 'health'):.2f} → {p99(groups, 'health'):.2f} "
          f"| {p99(idle, 'me'):.2f} → {p99(groups, 'me'):.2f} "
          f"| {new_conn['p99']:.0f} / {new_conn['max']:.0f} "
          f"| {other_addr['answers'].get('200', 0)} / {other_addr['status_503']} "
          f"| {mib(server['rss_before_kib'])} → {mib(server['rss_peak_kib'])} ({mib(server['vm_hwm_kib'])}) |")
    rows.append((backend, connecting, label, metrics_path, report))
for backend, connecting, label, metrics_path, report in rows:
    print(f"\n{backend}, connecting {connecting}, {label}: load generator CPU {100 * report['loadgen']['share_of_one_core']:.1f} % "
          f"of one core, server CPU {100 * report['server']['cpu']['share_of_one_core']:.0f} %; "
          "password-hash counters after the flood:")
    print("```")
    print(open(metrics_path).read().strip() or "(none)")
    print("```")
PY
echo "JSON reports: $out" >&2
