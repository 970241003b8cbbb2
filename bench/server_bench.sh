#!/usr/bin/env bash
# server_bench.sh [BUILD_DIR]: wrk against authkit-server, 2 threads and 8 keep-alive
# connections: GET /health beside GET /v1/auth/me with a valid token, on SQLite and (when
# AUTHKIT_TEST_POSTGRES_URL is set, e.g. under scripts/with-services.sh) on PostgreSQL.
# The difference between the two routes is the library's cost per authenticated request.
# BENCH_DURATION (default 5s) per route and round, BENCH_ROUNDS (default 3) alternating rounds;
# DATABASE_POOL_SIZE, DATABASE_READ_COALESCING and DATABASE_READ_COALESCING_PATIENCE_MS, when
# set, reach the server. BENCH_SERVER_BIN: another server binary than BUILD_DIR's.
set -euo pipefail
build=${1:-build/bench}
server=${BENCH_SERVER_BIN:-$build/examples/server/authkit-server}
duration=${BENCH_DURATION:-5s}  # per route and round
rounds=${BENCH_ROUNDS:-3}
work=$(mktemp -d /tmp/authkit-server-bench.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# summarise LABEL ROUND HEALTH_OUTPUT ME_OUTPUT: one table row per route and the round's ratio.
summarise() {
  python3 - "$@" <<'PY'
import re, sys
label, round_, health, me = sys.argv[1:5]
def parse(text):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    def pct(p):
        v, unit = re.search(p + r"%\s+([\d.]+)(us|ms|s)", text).groups()
        return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rps, pct("50"), pct("99"), int(errors.group(1)) if errors else 0
h, m = parse(health), parse(me)
for route, (rps, p50, p99, bad) in (("GET /health", h), ("GET /v1/auth/me", m)):
    print(f"| {label} | {round_} | `{route}` | {rps:,.0f} | {p50:.2f} ms | {p99:.2f} ms |"
          + (f" {bad} non-2xx" if bad else ""))
print(f"| {label} | {round_} | /me ÷ /health | **{100 * m[0] / h[0]:.1f} %** | | |")
PY
}

run_against() {
  local label=$1 database_url=$2 port
  port=$(free_port)
  env -i PATH="$PATH" PORT="$port" DATABASE_URL="$database_url" LOG_LEVEL=warn \
    ACCESS_TOKEN_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(48))')" \
    REFRESH_TOKEN_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(48))')" \
    RATE_LIMIT_MAX_REQUESTS=1000000 ARGON2_OPSLIMIT=1 ARGON2_MEMLIMIT=8192 \
    ${DATABASE_POOL_SIZE:+DATABASE_POOL_SIZE=$DATABASE_POOL_SIZE} \
    ${DATABASE_READ_COALESCING:+DATABASE_READ_COALESCING=$DATABASE_READ_COALESCING} \
    ${DATABASE_READ_COALESCING_PATIENCE_MS:+DATABASE_READ_COALESCING_PATIENCE_MS=$DATABASE_READ_COALESCING_PATIENCE_MS} \
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
  # The routes alternate in short rounds: a load that comes and goes on a shared machine then
  # weighs on both routes alike, and the ratio of each round compares like with like.
  local round health me
  for round in $(seq 1 "$rounds"); do
    health=$(wrk -t2 -c8 -d"$duration" --latency "http://127.0.0.1:$port/health")
    me=$(wrk -t2 -c8 -d"$duration" --latency -H "Authorization: Bearer $token" \
      "http://127.0.0.1:$port/v1/auth/me")
    summarise "$label" "$round" "$health" "$me"
  done
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

echo "| backend | round | route | requests/s | p50 | p99 |"
echo "|---|---|---|---:|---:|---:|"
run_against sqlite "sqlite://$work/bench.db"
if [ -n "${AUTHKIT_TEST_POSTGRES_URL:-}" ]; then
  run_against postgresql "$AUTHKIT_TEST_POSTGRES_URL"
fi
