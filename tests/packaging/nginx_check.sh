#!/usr/bin/env bash
# packaging/nginx/authkit.conf, with a throw-away self-signed certificate and free local ports in
# place of the example's paths and ports, and authkit-proxy.conf (beside it) as its
# snippets/authkit-proxy.conf: `nginx -t` on it and on authkit-compose.conf (the compose front),
# then a live run in front of the real server (with TRUST_PROXY=1, as the example says):
#   - HTTPS is terminated and requests reach the server (GET /health through nginx);
#   - the session's ipAddress is the client's own address, as nginx appended it to
#     X-Forwarded-For, never an address the client put there itself;
#   - nginx's own refusals are the JSON envelope: a body over 1 MiB (413), a head over 32 KiB
#     (431), a request line nginx cannot parse (400), the server down (503);
#   - /metrics is not proxied, however spelled (404 envelope; the server has metrics on).
# The hostile-input suite (tests/hostile) runs its cases through authkit-compose.conf.
#   nginx_check.sh <authkit.conf> [<authkit-server>]     (without the server: nginx -t only)
set -euo pipefail
conf=$(realpath "$1")
snippet=$(dirname "$conf")/authkit-proxy.conf
compose_conf=$(dirname "$conf")/authkit-compose.conf
server=${2:+$(realpath "$2")}
work=$(mktemp -d)
server_pid=""
nginx_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
app_port=$(free_port)
http_port=$(free_port)
https_port=$(free_port)

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=auth.example.com \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
sed -e "s#/etc/ssl/certs/auth.example.com.pem#$work/cert.pem#" \
    -e "s#/etc/ssl/private/auth.example.com.key#$work/key.pem#" \
    -e "s#server 127.0.0.1:3000;#server 127.0.0.1:$app_port;#" \
    -e "s#listen 443 ssl http2;#listen 127.0.0.1:$https_port ssl http2;#" \
    -e "s#listen 80;#listen 127.0.0.1:$http_port;#" \
    -e "/listen \[::\]:/d" "$conf" >"$work/authkit.conf"
for expected in "$work/cert.pem" "127.0.0.1:$app_port" "127.0.0.1:$https_port ssl"; do
  grep -q "$expected" "$work/authkit.conf" || { echo "nginx: could not substitute $expected in $conf"; exit 1; }
done
# Both sites include snippets/authkit-proxy.conf, relative to the directory of nginx.conf.
mkdir -p "$work/snippets"
cp "$snippet" "$work/snippets/authkit-proxy.conf"
sed -e "s#server app:3000;#server 127.0.0.1:$app_port;#" -e "s#listen 80;#listen 127.0.0.1:$http_port;#" \
  "$compose_conf" >"$work/authkit-compose.conf"
main_conf() {  # main_conf <site file>
  cat <<CONF
pid $work/nginx.pid;
error_log $work/error.log;
daemon off;
events {}
http {
    access_log off;
    client_body_temp_path $work/body;
    proxy_temp_path $work/proxy;
    include $1;
}
CONF
}
main_conf "$work/authkit-compose.conf" >"$work/nginx-compose.conf"
nginx -t -q -p "$work" -c "$work/nginx-compose.conf" -e "$work/error.log"
main_conf "$work/authkit.conf" >"$work/nginx.conf"
nginx -t -q -p "$work" -c "$work/nginx.conf" -e "$work/error.log"
echo "nginx: nginx -t passes (authkit.conf, authkit-compose.conf)"
[ -n "$server" ] || exit 0

(cd "$work" && exec env -i PATH=/usr/bin:/bin PORT="$app_port" DATABASE_URL=sqlite::memory: \
  TRUST_PROXY=1 METRICS_ENABLED=true ACCESS_TOKEN_SECRET=nginx-access-secret-0123456789abcdefghij \
  REFRESH_TOKEN_SECRET=nginx-refresh-secret-0123456789abcdefghij \
  ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} "$server" serve >"$work/server.log" 2>&1) &
server_pid=$!
nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log" &
nginx_pid=$!

# The client speaks from 127.0.0.3 so that its address differs from nginx's own (127.0.0.1).
api() { curl -sk --interface 127.0.0.3 --max-time 10 "$@"; }
api11() { curl -sk --http1.1 --interface 127.0.0.3 --max-time 10 "$@"; }
url=https://127.0.0.1:$https_port
for _ in $(seq 300); do  # up to 30 s: a sanitizer build starts slower
  [ "$(api -o /dev/null -w '%{http_code}' "$url/health" || true)" = 200 ] && break
  sleep 0.1
done
status=$(api -o /dev/null -w '%{http_code}' "$url/health" || true)
[ "$status" = 200 ] || { cat "$work/server.log" "$work/error.log"; echo "nginx: GET /health through nginx gave $status"; exit 1; }

body='{"name":"Proxy Test","email":"proxy@example.com","password":"proxy-password-1"}'
api -o /dev/null -H 'Content-Type: application/json' -d "$body" "$url/v1/auth/register"
login=$(api -H 'Content-Type: application/json' -H 'X-Forwarded-For: 203.0.113.9' \
  -d '{"email":"proxy@example.com","password":"proxy-password-1"}' "$url/v1/auth/sessions")
ip=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["session"]["ipAddress"])' "$login") \
  || { echo "nginx: login through nginx failed: $login"; exit 1; }
[ "$ip" = 127.0.0.3 ] || { echo "nginx: session ipAddress is '$ip', expected the client's 127.0.0.3"; exit 1; }

# envelope <name> <expected status> <expected code> <curl args...>: nginx's own refusal, as JSON.
# CLIENT=api11 speaks HTTP/1.1 (api lets curl choose HTTP/2). Over HTTP/2 a head over the
# limits is refused at the protocol level (GOAWAY), with no HTTP answer to carry an envelope.
envelope() {
  local name=$1 status=$2 code=$3 client=${CLIENT:-api}
  shift 3
  local out
  out=$($client -w '\n%{http_code} %{content_type}' "$@" || true)
  python3 - "$name" "$status" "$code" "$out" <<'PY' || exit 1
import json, sys
name, status, code, out = sys.argv[1:]
body, _, last = out.rpartition("\n")
got_status, _, ctype = last.partition(" ")
try:
    error = json.loads(body)["error"]
    ok = (got_status == status and error["code"] == code and error["correlationId"]
          and ctype == "application/json; charset=utf-8")
except (ValueError, KeyError, TypeError):
    ok = False
if not ok:
    print(f"nginx: {name}: expected {status} {code} as the JSON envelope, got {last!r} {body[:200]!r}")
    sys.exit(1)
PY
}
envelope "a 1.1 MB body (HTTP/2)" 413 PAYLOAD_TOO_LARGE -H 'Content-Type: application/json' \
  --data-binary @<(head -c 1100000 /dev/zero | tr '\0' 'a') "$url/v1/auth/register"
CLIENT=api11 envelope "a 1.1 MB body" 413 PAYLOAD_TOO_LARGE -H 'Content-Type: application/json' \
  --data-binary @<(head -c 1100000 /dev/zero | tr '\0' 'a') "$url/v1/auth/register"
CLIENT=api11 envelope "a 42 KB head" 431 REQUEST_HEADER_FIELDS_TOO_LARGE \
  -H "X-Big: $(head -c 7000 /dev/zero | tr '\0' 'b')" -H "X-Big2: $(head -c 7000 /dev/zero | tr '\0' 'b')" \
  -H "X-Big3: $(head -c 7000 /dev/zero | tr '\0' 'b')" -H "X-Big4: $(head -c 7000 /dev/zero | tr '\0' 'b')" \
  -H "X-Big5: $(head -c 7000 /dev/zero | tr '\0' 'b')" -H "X-Big6: $(head -c 7000 /dev/zero | tr '\0' 'b')" \
  "$url/health"
CLIENT=api11 envelope "a %-encoding nginx cannot decode" 400 INVALID_PAYLOAD --path-as-is "$url/v1/%ZZ/../health"
for path in /metrics /METRICS /metrics/ /%6Detrics; do
  envelope "GET $path" 404 NOT_FOUND "$url$path"
done
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
envelope "the server down" 503 SERVICE_UNAVAILABLE "$url/health"
echo "nginx: TLS proxying, X-Forwarded-For with TRUST_PROXY=1 ($ip), JSON envelopes for 413, 431, 400 and 503, /metrics hidden: ok"
