#!/usr/bin/env bash
# The container's entrypoint and HEALTHCHECK scripts against the real server, outside Docker:
# with AUTHKIT_MIGRATE_ON_START=1 the entrypoint migrates then serves; healthcheck.sh succeeds
# on the serving port and fails on a closed one; SIGTERM to the entrypoint's process (the
# server, after exec) stops it cleanly.
#   docker_scripts.sh <authkit-server> <packaging/docker>
set -euo pipefail
server=$(realpath "$1")
scripts=$(realpath "$2")
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
closed_port=$(free_port)
# The entrypoint runs `authkit-server` from PATH, as in the image.
mkdir -p "$work/bin"
ln -s "$server" "$work/bin/authkit-server"

cd "$work"
env -i PATH="$work/bin:/usr/bin:/bin" PORT="$port" DATABASE_URL="sqlite://$work/authkit.db" \
  ACCESS_TOKEN_SECRET=docker-access-secret-0123456789abcdefghij \
  REFRESH_TOKEN_SECRET=docker-refresh-secret-0123456789abcdefghij \
  AUTHKIT_MIGRATE_ON_START=1 LOG_LEVEL=info ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} \
  "$scripts/entrypoint.sh" >"$work/out.log" 2>&1 &
pid=$!

healthy=0
for _ in $(seq 300); do  # up to 30 s: a sanitizer build starts slower
  if PORT=$port "$scripts/healthcheck.sh" 2>/dev/null; then healthy=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
cat "$work/out.log"
[ "$healthy" = 1 ] || { echo "docker: healthcheck.sh never succeeded"; exit 1; }
grep -q 'database schema at version' "$work/out.log" || { echo "docker: the entrypoint did not migrate"; exit 1; }
[ -s "$work/authkit.db" ] || { echo "docker: no database file"; exit 1; }
# The entrypoint exec'd: the process it started is the server itself.
[ "$(readlink "/proc/$pid/exe")" = "$server" ] || { echo "docker: the entrypoint did not exec the server"; exit 1; }

if PORT=$closed_port "$scripts/healthcheck.sh" 2>/dev/null; then
  echo "docker: healthcheck.sh succeeded on a closed port"
  exit 1
fi

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
[ "$status" = 0 ] || { echo "docker: the server exited $status on SIGTERM"; exit 1; }
echo "docker: entrypoint migrated and served, healthcheck passed and failed as it should"
