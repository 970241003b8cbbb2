#!/bin/sh
# Container entrypoint: `serve` when no command is given; any other command goes to
# authkit-server as is. exec: the server is PID 1 and gets `docker stop`'s SIGTERM itself.
# Migrations follow the server's own MIGRATE_ON_START (the image sets false: run
# `authkit-server migrate` as a one-off job; docker-compose.yml sets true for its one replica).
set -eu

if [ "$#" -eq 0 ]; then
  set -- serve
fi
exec authkit-server "$@"
