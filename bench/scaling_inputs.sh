#!/usr/bin/env bash
# scaling_inputs.sh [SERVER_BINARY]: measures what each REST operation costs one PostgreSQL
# primary (docs/scaling.md): round trips and statements (pg_stat_statements, top level), committed
# transactions (pg_stat_database), WAL bytes (pg_current_wal_lsn), WAL records, full-page images
# and fsyncs (pg_stat_wal), and this machine's fsync rate (pg_test_fsync). It starts a
# throw-away PostgreSQL 15 cluster of its own, durable as in production (fsync,
# synchronous_commit and full_page_writes on), and authkit-server on it (memory rate limiter,
# cheapest password hashing: hashing writes no WAL), then runs bench/scaling_inputs.py, which
# sends SCALING_OPS (default 500) operations of each kind from one client, one after the other,
# and writes the per-operation figures as JSON (default: stdout; SCALING_OUT=FILE to keep them).
# The saturation inputs of bench/scaling_inputs.json come from bench/pg_rotation_limit.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
server=${1:-$repo/build/dev/examples/server/authkit-server}
[ -x "$server" ] || { echo "scaling_inputs: no server at $server (cmake --build --preset dev --target authkit-server)" >&2; exit 2; }

# shellcheck source=scripts/services.sh
. "$repo/scripts/services.sh"
services=$(services_make_workdir)
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; pg_stop "$services/pg" || true; rm -rf "$services"' EXIT

pg_port=$(free_port)
# Later options win: durable, as a production primary; checkpoints only when asked (a checkpoint
# in the middle of a phase would put full-page images into that phase alone).
pg_start "$services/pg" "$pg_port" "-c fsync=on -c synchronous_commit=on -c full_page_writes=on \
  -c checkpoint_timeout=1h -c max_wal_size=4GB \
  -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top"
admin_url="postgresql://postgres@127.0.0.1:$pg_port/postgres"
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$admin_url" -c "CREATE EXTENSION pg_stat_statements"
pg_create_database "$services/pg" "$pg_port" scaling
db_url="postgresql://postgres@127.0.0.1:$pg_port/scaling"

server_port=$(free_port)
env -i PATH="$PATH" PORT="$server_port" DATABASE_URL="$db_url" LOG_LEVEL=warn \
  ACCESS_TOKEN_SECRET="scaling-access-$(head -c 24 /dev/urandom | base64)" \
  REFRESH_TOKEN_SECRET="scaling-refresh-$(head -c 24 /dev/urandom | base64)" \
  RATE_LIMIT_MAX_REQUESTS=100000000 LOGIN_MAX_FAILURES_PER_ACCOUNT=100000000 \
  ARGON2_OPSLIMIT=1 ARGON2_MEMLIMIT=8192 DATABASE_POOL_SIZE=2 \
  "$server" > "$services/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$server_port/health" > /dev/null && break
  kill -0 "$server_pid" 2> /dev/null || { cat "$services/server.log" >&2; exit 1; }
  sleep 0.1
done

# The disk's own limit: 8 kB fsyncs per second in one file (what one WAL writer can do).
fsync_rate=$(_pg_run "$PG_BIN/pg_test_fsync" -s 2 -f "$services/pg/fsync-test" 2> /dev/null |
  awk '$1 == "fdatasync" && $3 == "ops/sec" {print $2; exit}')

python3 "$here/scaling_inputs.py" --server "http://127.0.0.1:$server_port" --database "$db_url" \
  --admin "$admin_url" --psql "$PG_BIN/psql" --ops "${SCALING_OPS:-500}" \
  --fsync-rate "${fsync_rate:-0}" > "${SCALING_OUT:-/dev/stdout}"
