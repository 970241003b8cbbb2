#!/usr/bin/env bash
# pg_rotation_limit.sh [BUILD_DIR]: how close a refresh through authkit-server comes to what
# PostgreSQL itself can do for a rotation (docs/benchmarks/postgres-round-trips.md). On one
# throw-away cluster of its own, durable as in production (fsync and synchronous_commit on, not
# the test clusters' settings), with pg_stat_statements loaded, it runs cell by cell, BENCH_ROUNDS
# times (default 3), interleaved:
#   pgbench   BENCH_WORKERS clients (default 8) running the minimal durable work of one rotation
#             (mark the parent used, insert the child, touch the session; one transaction) on
#             the library's own schema, for BENCH_SECONDS (default 10)
#   servers   POST /v1/auth/tokens/refresh through each authkit-server of BENCH_SERVERS
#             ("LABEL=PATH ...", default "current=BUILD_DIR/examples/server/authkit-server"):
#             authkit-loadgen --scenario refresh-chain, BENCH_WORKERS keep-alive workers, on a
#             fresh database each
# and reports per cell the rate, and per operation the statements, transactions and WAL fsyncs
# (pg_stat_statements, pg_stat_database, pg_stat_wal), then the medians and the ratio of each
# server's refresh rate to pgbench's. BENCH_BEFORE_REV=REV builds REV's authkit-server (as
# bench/overload_bench.sh does) and compares it as "before" with BUILD_DIR's as "after".
# Needs the bench preset's build (authkit-loadgen) and Redis (the server's limiter).
set -euo pipefail
build=$(cd "${1:-build/bench}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
rounds=${BENCH_ROUNDS:-3}
workers=${BENCH_WORKERS:-8}
seconds=${BENCH_SECONDS:-10}

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

# shellcheck source=scripts/services.sh
. "$repo/scripts/services.sh"
# shellcheck source=bench/bench_server.sh
. "$here/bench_server.sh"
bench_setup "$build" pg-rotation-limit
services=$(services_make_workdir)
# shellcheck disable=SC2154  # work is bench_setup's
trap 'bench_server_stop; redis_stop "$services/redis" || true; pg_stop "$services/pg" || true; rm -rf "$services" "$work"' EXIT

pg_port=$(free_port)
# Later options win: durable commits as a production server has them.
pg_start "$services/pg" "$pg_port" "-c fsync=on -c synchronous_commit=on -c full_page_writes=on \
  -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top"
redis_port=$(free_port)
redis_start "$services/redis" "$redis_port"
export AUTHKIT_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
admin_url="postgresql://postgres@127.0.0.1:$pg_port/postgres"
psql_at() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
psql_at "$admin_url" -c "CREATE EXTENSION pg_stat_statements"

# The pgbench database: the library's schema, one user, one session and parent token per client.
pg_create_database "$services/pg" "$pg_port" rotation
rotation_url="postgresql://postgres@127.0.0.1:$pg_port/rotation"
psql_at "$rotation_url" -f "$repo/migrations/postgres/0001_initial_schema.sql"
psql_at "$rotation_url" <<SQL
INSERT INTO users (name, email, password_hash, created_at, updated_at)
  VALUES ('bench', 'bench@example.com', 'x', now(), now());
INSERT INTO sessions (id, user_id, created_at, updated_at)
  SELECT 'session-' || c, 1, now(), now() FROM generate_series(0, $workers - 1) AS c;
INSERT INTO refresh_tokens (id, session_id, jti, token_hash, created_at, expires_at)
  SELECT 'parent-' || c, 'session-' || c, 'jti-' || c, md5('hash-' || c), now(),
         now() + interval '7 days'
  FROM generate_series(0, $workers - 1) AS c;
SQL
cat > "$work/rotation.sql" << 'SQL'
BEGIN;
UPDATE refresh_tokens SET status = 'USED', used_at = now()
  WHERE id = 'parent-' || :client_id;
INSERT INTO refresh_tokens (id, session_id, jti, token_hash, created_at, expires_at,
                            parent_token_id)
  VALUES (gen_random_uuid()::text, 'session-' || :client_id, gen_random_uuid()::text,
          md5(random()::text) || md5(random()::text), now(), now() + interval '7 days',
          'parent-' || :client_id);
UPDATE sessions SET last_seen_at = now(), updated_at = now(), user_agent = 'pgbench'
  WHERE id = 'session-' || :client_id;
END;
SQL

# The counters of DATABASE now: statements, committed transactions, WAL fsyncs and records.
counters() {
  psql_at "$admin_url" -F ' ' -c "SELECT
    (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
      WHERE d.datname = '$1'),
    (SELECT xact_commit FROM pg_stat_database WHERE datname = '$1'),
    (SELECT wal_sync FROM pg_stat_wal), (SELECT wal_records FROM pg_stat_wal)"
}
reset_counters() {
  psql_at "$admin_url" -c "SELECT pg_stat_statements_reset(), pg_stat_reset_shared('wal')" > /dev/null
  # pg_stat_database is per database and not reset: the cells take differences.
}

results="$work/results.txt"
: > "$results"
# record LABEL ROUND OPERATIONS SECONDS BEFORE AFTER: one line of per-operation figures.
record() {
  python3 - "$@" >> "$results" << 'PY'
import sys
label, rnd, ops, secs = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
before = [float(x) for x in sys.argv[5].split()]
after = [float(x) for x in sys.argv[6].split()]
stmts, xacts, syncs, records = (a - b for a, b in zip(after, before))
print(label, rnd, f"{ops / secs:.1f}", f"{stmts / ops:.2f}", f"{xacts / ops:.2f}",
      f"{syncs / ops:.3f}", f"{records / ops:.1f}")
PY
}

pgbench_cell() {
  local round=$1 before after tx
  reset_counters
  before=$(counters rotation)
  "$PG_BIN/pgbench" -n -M prepared -c "$workers" -j 2 -T "$seconds" -f "$work/rotation.sql" \
    "$rotation_url" > "$work/pgbench.out" 2>&1 || { cat "$work/pgbench.out" >&2; return 1; }
  after=$(counters rotation)
  tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/pgbench.out")
  record pgbench "$round" "$tx" "$seconds" "$before" "$after"
}

server_cell() {
  local round=$1 label=$2 binary=$3 db before after report refreshed elapsed
  db="authkit_${label}_$round"
  pg_create_database "$services/pg" "$pg_port" "$db"
  export AUTHKIT_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$pg_port/$db"
  bench_server_start "$binary" postgresql
  reset_counters
  before=$(counters "$db")
  report="$out/pg-rotation-$label-$round.json"
  # shellcheck disable=SC2154  # loadgen, server_* are bench_setup's and bench_server_start's
  timeout --kill-after=10 $((seconds + 150)) "$loadgen" --url "$server_url" \
    --scenario refresh-chain --workers "$workers" --duration "${seconds}s" \
    --server-pid "$server_pid" --json "$report" --quiet
  after=$(counters "$db")
  bench_server_stop
  read -r refreshed elapsed < <(python3 - "$report" << 'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ok = r["overall"]["by_request"].get("refresh", {}).get("answers", {}).get("200", 0)
print(ok, r["groups"][0]["elapsed_seconds"])
PY
  )
  # The setup's logins count too, spread over the refreshes: a few in thousands.
  record "$label" "$round" "$refreshed" "$elapsed" "$before" "$after"
}

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$repo" rev-parse --short HEAD 2> /dev/null || echo '?'), $workers clients, ${seconds}s a cell, $rounds rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  pgbench_cell "$round"
  for entry in $servers; do
    server_cell "$round" "${entry%%=*}" "${entry#*=}"
  done
done

python3 - "$results" << 'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, rnd, *values = line.split()
    rows.setdefault(label, []).append([float(v) for v in values])
print("| cell | round | operations/s | statements/op | transactions/op | WAL fsyncs/op | WAL records/op |")
print("|---|---:|---:|---:|---:|---:|---:|")
for line in open(sys.argv[1]):
    label, rnd, *values = line.split()
    print(f"| {label} | {rnd} | " + " | ".join(values) + " |")
print()
medians = {label: [statistics.median(c) for c in zip(*v)] for label, v in rows.items()}
base = medians["pgbench"][0]
print("| cell | median operations/s | of pgbench | statements/op | transactions/op | WAL fsyncs/op | WAL records/op |")
print("|---|---:|---:|---:|---:|---:|---:|")
for label, m in medians.items():
    print(f"| {label} | {m[0]:.1f} | {100 * m[0] / base:.0f} % | {m[1]:.2f} | {m[2]:.2f} | {m[3]:.3f} | {m[4]:.1f} |")
PY
echo "JSON reports: $out" >&2
