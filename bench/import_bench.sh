#!/usr/bin/env bash
# import_bench.sh [SERVER_BINARY]: how fast `authkit-server import-original` copies an original
# service's database, and how much memory it takes (docs/benchmarks/import.md). Run it under
# scripts/with-services.sh, whose throw-away PostgreSQL holds both the source and the
# PostgreSQL target:
#   scripts/with-services.sh bench/import_bench.sh [SERVER_BINARY]
# SERVER_BINARY, or BENCH_SERVER_BIN, defaults to build/bench/examples/server/authkit-server.
#
# 1. Creates the database import_source with the original's schema
#    (tests/data/original-schema.sql) and fills it with bench/import_source.sql: BENCH_IMPORT_USERS
#    users (default 100000) x BENCH_IMPORT_SESSIONS sessions (default 3) x BENCH_IMPORT_TOKENS
#    refresh tokens per session (default 10), i.e. 3.4 million rows by default.
# 2. For each target, a SQLite file and the fresh PostgreSQL database import_target, runs the
#    import twice under /usr/bin/time -v: the first copies every row (exit 0, nothing skipped or
#    refused), the second finds every row already there (everything skipped) and so measures the
#    idempotent re-run a resumed or repeated import is. Then counts the target's rows itself.
# 3. Prints one line per run and a Markdown table (rows, seconds and rows/s from the command's
#    own summary; the process's wall time, migration and start-up included, and its peak RSS
#    from time -v), ready for docs/benchmarks/import.md.
# BENCH_IMPORT_BATCH_SIZE passes --batch-size (default: the command's own, 500 users).
# Exits 1 when a run fails, or its summary or the target is not what the source says it should
# be.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
server=${1:-${BENCH_SERVER_BIN:-$repo/build/bench/examples/server/authkit-server}}
users=${BENCH_IMPORT_USERS:-100000}
sessions_per_user=${BENCH_IMPORT_SESSIONS:-3}
tokens_per_session=${BENCH_IMPORT_TOKENS:-10}
batch_size=${BENCH_IMPORT_BATCH_SIZE:-}
schema=$repo/tests/data/original-schema.sql

fail() { echo "import_bench: $*" >&2; exit 1; }
if [ -z "${AUTHKIT_TEST_POSTGRES_URL:-}" ]; then
  echo "usage: scripts/with-services.sh $0 [SERVER_BINARY]" >&2
  exit 2
fi
[ -x "$server" ] || fail "no server binary at $server (build it, or pass its path)"
[ -f "$schema" ] || fail "no source schema at $schema"
[ -x /usr/bin/time ] || fail "/usr/bin/time is needed for the peak RSS (apt-get install time)"
server=$(cd "$(dirname "$server")" && pwd)/$(basename "$server")

pg_bin=${AUTHKIT_TEST_PG_BIN:-/usr/lib/postgresql/15/bin}
psql_at() {
  PGOPTIONS='-c client_min_messages=warning' "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -At "$@"
}
# with-services.sh's URL names its database last: the two of ours live beside it.
server_url=${AUTHKIT_TEST_POSTGRES_URL%/*}
admin_url=$server_url/postgres
source_url=$server_url/import_source
target_url=$server_url/import_target

# The import runs in a scratch directory: the server reads a .env from its working directory,
# and the repository's own must not choose the target.
work=$(mktemp -d /tmp/authkit-import-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

users_expected=$users
sessions_expected=$((users * sessions_per_user))
tokens_expected=$((sessions_expected * tokens_per_session))
rows_expected=$((users_expected + sessions_expected + tokens_expected))

echo "import_bench: generating the source: $users users x $sessions_per_user sessions x" \
  "$tokens_per_session tokens = $rows_expected rows"
psql_at "$admin_url" -c "DROP DATABASE IF EXISTS import_source" \
  -c "DROP DATABASE IF EXISTS import_target" -c "CREATE DATABASE import_source" \
  -c "CREATE DATABASE import_target"
started_ns=$(date +%s%N)
psql_at "$source_url" -f "$schema" > /dev/null
psql_at "$source_url" -v users="$users" -v sessions_per_user="$sessions_per_user" \
  -v tokens_per_session="$tokens_per_session" -f "$here/import_source.sql" > /dev/null
source_rows=$(psql_at "$source_url" -c 'SELECT (SELECT count(*) FROM "User")
  + (SELECT count(*) FROM "Session") + (SELECT count(*) FROM "RefreshToken")')
[ "$source_rows" -eq "$rows_expected" ] || fail "the source holds $source_rows rows"
source_size=$(psql_at "$admin_url" -c "SELECT pg_size_pretty(pg_database_size('import_source'))")
echo "import_bench: source ready in $(( ($(date +%s%N) - started_ns) / 1000000 )) ms" \
  "($source_size)"

# Secrets the configuration may ask for; the import signs nothing with them.
secret() { python3 -c 'import secrets; print(secrets.token_hex(32))'; }
access_secret=$(secret)
refresh_secret=$(secret)

results=()
# run_import LABEL DATABASE_URL RUN: one import into DATABASE_URL; RUN is "first" (every row is
# copied) or "again" (every row is skipped). Appends a table row to results.
run_import() {
  local label=$1 database_url=$2 run=$3 status=0 summary seconds rows rate rss wall
  local args=(import-original --from "$source_url" --progress never)
  if [ -n "$batch_size" ]; then args+=(--batch-size "$batch_size"); fi
  (cd "$work" && env DATABASE_URL="$database_url" ACCESS_TOKEN_SECRET="$access_secret" \
    REFRESH_TOKEN_SECRET="$refresh_secret" LOG_LEVEL=warn \
    /usr/bin/time -v -o "$work/time.txt" "$server" "${args[@]}" \
    > "$work/summary.txt" 2> "$work/stderr.txt") || status=$?
  if [ "$status" -ne 0 ]; then
    cat "$work/stderr.txt" "$work/summary.txt" >&2
    fail "$label ($run run): import-original exited with status $status"
  fi
  summary=$(cat "$work/summary.txt")
  # The summary's shape is the command's interface: "import-original: done in S s: R rows read,
  # X rows/s", then "users: copied=C skipped=K refused=F", "sessions: ...", "tokens: ...".
  [[ $summary =~ done\ in\ ([0-9.]+)\ s:\ ([0-9]+)\ rows\ read,\ ([0-9]+)\ rows/s ]] ||
    fail "$label ($run run): no summary line in: $summary"
  seconds=${BASH_REMATCH[1]} rows=${BASH_REMATCH[2]} rate=${BASH_REMATCH[3]}
  [ "$rows" -eq "$rows_expected" ] || fail "$label ($run run): $rows rows read"
  local kind expected copied skipped
  for kind in users sessions tokens; do
    expected=${kind}_expected
    [[ $summary =~ $kind:\ copied=([0-9]+)\ skipped=([0-9]+)\ refused=([0-9]+) ]] ||
      fail "$label ($run run): no $kind line in: $summary"
    copied=${BASH_REMATCH[1]} skipped=${BASH_REMATCH[2]}
    [ "${BASH_REMATCH[3]}" -eq 0 ] || fail "$label ($run run): $kind refused: $summary"
    if [ "$run" = first ]; then
      [ "$copied" -eq "${!expected}" ] || fail "$label: $kind copied=$copied, not ${!expected}"
    else
      if [ "$copied" -ne 0 ] || [ "$skipped" -ne "${!expected}" ]; then
        fail "$label (again): $kind copied=$copied skipped=$skipped, not all skipped"
      fi
    fi
  done
  # time -v: "Maximum resident set size (kbytes): K", "Elapsed (wall clock) time (...): [h:]m:s".
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$work/time.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0
           for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s}' "$work/time.txt")
  printf 'import_bench: %-10s %-5s run: %s rows in %s s (process %s s), %s rows/s, %s\n' \
    "$label" "$run" "$rows" "$seconds" "$wall" "$rate" "peak RSS $rss MiB"
  results+=("| $label | $run | $rows | $seconds | $wall | $rate | $rss |")
}

# check_target LABEL COUNTS: the target's own counts, beside what the summary says, so that a
# summary that lies cannot pass: users, sessions, tokens, and tokens whose parent link survived
# (every token of a chain but the first).
linked_expected=$((sessions_expected * (tokens_per_session - 1)))
check_target() {
  [ "$2" = "$users_expected $sessions_expected $tokens_expected $linked_expected" ] ||
    fail "$1: the target holds $2 (users, sessions, tokens, tokens with a parent)"
}
count_rows="SELECT (SELECT count(*) FROM users) || ' ' || (SELECT count(*) FROM sessions) || ' '
  || (SELECT count(*) FROM refresh_tokens) || ' '
  || (SELECT count(*) FROM refresh_tokens WHERE parent_token_id IS NOT NULL)"

sqlite_file=$work/import-target.db
run_import sqlite "sqlite://$sqlite_file" first
run_import sqlite "sqlite://$sqlite_file" again
sqlite_query() {  # python3's sqlite3 module: no sqlite3 command-line tool needed
  python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$@"
}
check_target sqlite "$(sqlite_query "$sqlite_file" "$count_rows")"
sqlite_size=$(du -h "$sqlite_file" | cut -f1)
run_import postgresql "$target_url" first
run_import postgresql "$target_url" again
check_target postgresql "$(psql_at "$target_url" -c "$count_rows")"
target_size=$(psql_at "$admin_url" -c "SELECT pg_size_pretty(pg_database_size('import_target'))")

echo
echo "Source: $rows_expected rows ($users users, $sessions_expected sessions," \
  "$tokens_expected tokens), $source_size; batch size ${batch_size:-default};" \
  "targets: SQLite $sqlite_size, PostgreSQL $target_size."
echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| target | run | rows read | seconds | process seconds | rows/s | peak RSS (MiB) |"
echo "|---|---|---:|---:|---:|---:|---:|"
printf '%s\n' "${results[@]}"
