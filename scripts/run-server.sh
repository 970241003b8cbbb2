#!/usr/bin/env bash
# run-server.sh SERVER_BINARY: what `make run` does after building. Makes a `.env` with fresh
# random secrets when there is none (mode 0600, gitignored), migrates the default SQLite
# database, then serves on PORT (default 3000). Nothing else needs installing or starting.
set -euo pipefail
server=${1:?usage: run-server.sh SERVER_BINARY}

if [ ! -e .env ]; then
  # 48 random bytes per secret, hex-encoded: two different 96-character HS256 secrets. od is in
  # coreutils, so `make run` needs no Python.
  secret() { od -An -vtx1 -N48 /dev/urandom | tr -d ' \n'; }
  (
    umask 077
    {
      echo "# Made by 'make run' with fresh random secrets; keep it private (mode 0600)."
      echo "ACCESS_TOKEN_SECRET=$(secret)"
      echo "REFRESH_TOKEN_SECRET=$(secret)"
    } > .env
  )
  echo "run-server: wrote .env with fresh secrets"
fi

"$server" migrate
port=$(sed -n 's/^PORT=//p' .env | tail -n 1)
port=${PORT:-${port:-3000}}
echo "run-server: serving on http://localhost:${port} (API docs: http://localhost:${port}/docs)"
exec "$server"
