# services.sh: shell functions that start and stop throw-away PostgreSQL and Redis servers.
# Sourced by with-services.sh and by tests that need a server of their own (to stop and
# restart it without disturbing other tests). Every server listens on 127.0.0.1 only.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# A fresh directory the postgres user can enter (not under /root, which it cannot).
services_make_workdir() {
  local dir
  dir=$(mktemp -d /tmp/authkit-services.XXXXXX)
  chmod 755 "$dir"
  echo "$dir"
}

# Runs a PostgreSQL binary as the postgres user when we are root (PostgreSQL refuses root).
_pg_run() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# pg_start DIR PORT [OPTIONS]: initialise a cluster in DIR (once) and start it on
# 127.0.0.1:PORT. fsync is off: the data is thrown away, and durability is not what the tests
# measure. OPTIONS ("-c name=value ...") come last and so win (a benchmark turns fsync on).
pg_start() {
  local dir=$1 port=$2 extra=${3:-}
  if [ ! -d "$dir/data" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    _pg_run "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  fi
  _pg_run "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 $extra" \
    start >/dev/null || { cat "$dir/server.log" >&2; return 1; }
}

# pg_stop DIR: stop the cluster in DIR now (in-flight connections are dropped).
pg_stop() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] || return 0
  _pg_run "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
}

# pg_create_database DIR PORT NAME
pg_create_database() {
  local dir=$1 port=$2 name=$3
  _pg_run "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE $name" >/dev/null
}

# redis_start DIR PORT: a redis-server without persistence on 127.0.0.1:PORT.
redis_start() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  "$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  local i
  for i in $(seq 1 100); do
    redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.05
  done
  cat "$dir/redis.log" >&2
  return 1
}

# redis_stop DIR
redis_stop() {
  local dir=$1 pid
  [ -f "$dir/redis.pid" ] || return 0
  pid=$(cat "$dir/redis.pid")
  kill "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$dir/redis.pid"; return 0; }
    sleep 0.05
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/redis.pid"
}
