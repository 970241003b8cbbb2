# shellcheck shell=bash
# bench_server.sh: sourced by the overload benchmarks. Starts and stops authkit-server on a free
# loopback port, on its defaults (Argon2id at libsodium's interactive cost, threads and hash
# concurrency from the core count) except:
#   RATE_LIMIT_MAX_REQUESTS=1000000  as in the original's benchmark run: every client here is
#                                    127.0.0.1, so the per-IP limit would answer 429 instead
#   LOG_LEVEL=warn, METRICS_ENABLED=true with a token (the original's run also had metrics on)
# BENCH_SERVER_ENV="KEY=VALUE ..." adds or overrides variables (e.g. queue settings to compare).
# The caller calls bench_setup first, then bench_each_cell with its own cell function.

bench_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

bench_secret() { python3 -c 'import secrets; print(secrets.token_hex(48))'; }

# bench_setup BUILD_DIR NAME: what every overload benchmark starts with. Sets loadgen, servers
# (BENCH_SERVERS="LABEL=PATH ...", default "current=BUILD_DIR/examples/server/authkit-server"),
# out (BENCH_OUT, default BUILD_DIR/overload-results; created), work (a scratch directory, removed
# at exit after the server is stopped) and backends (sqlite, and postgresql when
# scripts/with-services.sh exported AUTHKIT_TEST_POSTGRES_URL).
# shellcheck disable=SC2034  # loadgen is the caller's
bench_setup() {
  local build=$1 name=$2
  loadgen="$build/bench/loadgen/authkit-loadgen"
  servers=${BENCH_SERVERS:-"current=$build/examples/server/authkit-server"}
  out=${BENCH_OUT:-$build/overload-results}
  mkdir -p "$out"
  work=$(mktemp -d "/tmp/authkit-$name.XXXXXX")
  trap 'bench_server_stop; rm -rf "$work"' EXIT
  backends="sqlite"
  if [ -n "${AUTHKIT_TEST_POSTGRES_URL:-}" ]; then backends="sqlite postgresql"; fi
}

# bench_each_cell VALUES CELL: for every backend, every word of VALUES and every server build of
# $servers (interleaved, so that before/after compare in one run), starts a fresh server, calls
# CELL BACKEND VALUE LABEL, then stops the server.
bench_each_cell() {
  local values=$1 cell=$2 backend value entry
  for backend in $backends; do
    for value in $values; do
      for entry in $servers; do
        bench_server_start "${entry#*=}" "$backend"
        "$cell" "$backend" "$value" "${entry%%=*}"
        bench_server_stop
      done
    done
  done
}

# bench_server_start BINARY BACKEND: BACKEND is sqlite (a new file in $work) or postgresql
# (AUTHKIT_TEST_POSTGRES_URL and AUTHKIT_TEST_REDIS_URL, as scripts/with-services.sh exports
# them). Sets server_pid, server_port, server_url, metrics_token; fails when the server is not
# answering /health within 10 s.
# shellcheck disable=SC2154  # work is bench_setup's
bench_server_start() {
  local binary=$1 backend=$2 database_url redis_url=""
  case $backend in
    sqlite) database_url="sqlite://$work/bench-$RANDOM$RANDOM.db" ;;
    postgresql)
      database_url=${AUTHKIT_TEST_POSTGRES_URL:?run under scripts/with-services.sh}
      redis_url=${AUTHKIT_TEST_REDIS_URL:?run under scripts/with-services.sh}
      ;;
    *) echo "unknown backend $backend" >&2; return 2 ;;
  esac
  server_port=$(bench_free_port)
  server_url="http://127.0.0.1:$server_port"
  metrics_token=$(bench_secret)
  # shellcheck disable=SC2086  # BENCH_SERVER_ENV is a list of words on purpose
  env -i PATH="$PATH" PORT="$server_port" DATABASE_URL="$database_url" \
    ${redis_url:+REDIS_URL=$redis_url} LOG_LEVEL=warn \
    ACCESS_TOKEN_SECRET="$(bench_secret)" REFRESH_TOKEN_SECRET="$(bench_secret)" \
    RATE_LIMIT_MAX_REQUESTS=1000000 METRICS_ENABLED=true METRICS_AUTH_TOKEN="$metrics_token" \
    ${BENCH_SERVER_ENV:-} \
    "$binary" >> "$work/server-$backend.log" 2>&1 &
  server_pid=$!
  local _
  for _ in $(seq 1 100); do
    if curl -sf "$server_url/health" > /dev/null; then return 0; fi
    if ! kill -0 "$server_pid" 2> /dev/null; then break; fi
    sleep 0.1
  done
  echo "authkit-server did not start; its log:" >&2
  cat "$work/server-$backend.log" >&2
  return 1
}

# The server's own counters of password hashing (admission, rejections), as /metrics has them.
bench_server_hash_metrics() {
  curl -sf -H "Authorization: Bearer $metrics_token" "$server_url/metrics" |
    grep -E '^auth_api_password_hash' || true
}

bench_server_stop() {
  if [ -n "${server_pid:-}" ]; then
    kill "$server_pid" 2> /dev/null || true
    wait "$server_pid" 2> /dev/null || true
    server_pid=""
  fi
}
