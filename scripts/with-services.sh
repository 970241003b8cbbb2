#!/usr/bin/env bash
# with-services.sh COMMAND...: runs COMMAND with a throw-away PostgreSQL 15 cluster and a
# throw-away redis-server on free loopback ports, and removes both afterwards, even when
# COMMAND fails or the script is interrupted. COMMAND sees:
#   AUTHKIT_TEST_POSTGRES_URL  postgresql://... of an empty database
#   AUTHKIT_TEST_REDIS_URL     redis://127.0.0.1:PORT/0
#   AUTHKIT_TEST_PG_BIN        the PostgreSQL server binaries, for tests that start their own
# Exits with COMMAND's status.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/services.sh
. "$here/services.sh"

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

workdir=$(services_make_workdir)
cleanup() {
  local rc=$?
  redis_stop "$workdir/redis" || true
  pg_stop "$workdir/pg" || true
  rm -rf "$workdir"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pg_port=$(free_port)
pg_start "$workdir/pg" "$pg_port"
pg_create_database "$workdir/pg" "$pg_port" authkit_test
redis_port=$(free_port)
redis_start "$workdir/redis" "$redis_port"

export AUTHKIT_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:${pg_port}/authkit_test"
export AUTHKIT_TEST_REDIS_URL="redis://127.0.0.1:${redis_port}/0"
export AUTHKIT_TEST_PG_BIN="$PG_BIN"
echo "with-services: PostgreSQL on 127.0.0.1:${pg_port}, Redis on 127.0.0.1:${redis_port}"

set +e
"$@"
status=$?
set -e
exit $status
