#!/usr/bin/env bash
# server_bench.sh [BUILD_DIR]: wrk against authkit-server, 2 threads and 8 keep-alive
# connections: GET /health beside GET /v1/auth/me with a valid token, on SQLite and (when
# AUTHKIT_TEST_POSTGRES_URL is set, e.g. under scripts/with-services.sh) on PostgreSQL.
# The difference between the two routes is the library's cost per authenticated request.
set -euo pipefail
build=${1:-build/bench}
server="$build/examples/server/authkit-server"
duration=${BENCH_DURATION:-15s}
work=$(mktemp -d /tmp/authkit-server-bench.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

run_against() {
  local label=$1 database_url=$2 port
  port=$(free_port)
  env -i PATH="$PATH" PORT="$port" DATABASE_URL="$database_url" LOG_LEVEL=warn \
    ACCESS_TOKEN_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(48))')" \
    REFRESH_TOKEN_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(48))')" \
    RATE_LIMIT_MAX_REQUESTS=1000000 ARGON2_OPSLIMIT=1 ARGON2_MEMLIMIT=8192 \
    "$server" > "$work/server-$label.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
    sleep 0.1
  done
  local email="bench-$RANDOM-$RANDOM@example.com"
  curl -sf -H 'Content-Type: application/json' \
    -d "{\"name\":\"Bench\",\"email\":\"$email\",\"password\":\"strong-pass-123\"}" \
    "http://127.0.0.1:$port/v1/auth/register" >/dev/null
  local token
  token=$(curl -sf -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"strong-pass-123\"}" \
    "http://127.0.0.1:$port/v1/auth/sessions" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])')
  echo "== $label: GET /health"
  wrk -t2 -c8 -d"$duration" --latency "http://127.0.0.1:$port/health" |
    grep -E 'Requests/sec|Latency  |  50%|  99%|Non-2xx'
  echo "== $label: GET /v1/auth/me"
  wrk -t2 -c8 -d"$duration" --latency -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/v1/auth/me" | grep -E 'Requests/sec|Latency  |  50%|  99%|Non-2xx'
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

run_against sqlite "sqlite://$work/bench.db"
if [ -n "${AUTHKIT_TEST_POSTGRES_URL:-}" ]; then
  run_against postgresql "$AUTHKIT_TEST_POSTGRES_URL"
fi
