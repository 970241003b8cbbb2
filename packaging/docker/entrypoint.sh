#!/bin/sh
# Container entrypoint: with AUTHKIT_MIGRATE_ON_START=1, applies the database migrations before
# serving (convenient for one replica; with several, run `migrate` once as its own job instead,
# so that replicas do not race). Any other command goes to authkit-server as is.
set -eu

if [ "$#" -eq 0 ]; then
  set -- serve
fi
if [ "$1" = "serve" ] && [ "${AUTHKIT_MIGRATE_ON_START:-0}" = "1" ]; then
  authkit-server migrate
fi
exec authkit-server "$@"
