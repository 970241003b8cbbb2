#!/usr/bin/env bash
# packaging/nginx/authkit.conf, with a throw-away self-signed certificate and free local ports in
# place of the example's paths and ports: `nginx -t`, then a live run in front of the real server
# (with TRUST_PROXY=1, as the example says):
#   - HTTPS is terminated and requests reach the server (GET /health through nginx);
#   - the session's ipAddress is the client's own address, as nginx appended it to
#     X-Forwarded-For, never an address the client put there itself;
#   - a body over 1 MiB is refused by nginx (413); /metrics is not proxied.
#   nginx_check.sh <authkit.conf> [<authkit-server>]     (without the server: nginx -t only)
set -euo pipefail
conf=$(realpath "$1")
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
cat >"$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log $work/error.log;
daemon off;
events {}
http {
    access_log off;
    client_body_temp_path $work/body;
    proxy_temp_path $work/proxy;
    include $work/authkit.conf;
}
CONF
nginx -t -q -p "$work" -c "$work/nginx.conf" -e "$work/error.log"
echo "nginx: nginx -t passes"
[ -n "$server" ] || exit 0

(cd "$work" && exec env -i PATH=/usr/bin:/bin PORT="$app_port" DATABASE_URL=sqlite::memory: \
  TRUST_PROXY=1 ACCESS_TOKEN_SECRET=nginx-access-secret-0123456789abcdefghij \
  REFRESH_TOKEN_SECRET=nginx-refresh-secret-0123456789abcdefghij \
  ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} "$server" serve >"$work/server.log" 2>&1) &
server_pid=$!
nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log" &
nginx_pid=$!

# The client speaks from 127.0.0.3 so that its address differs from nginx's own (127.0.0.1).
api() { curl -sk --interface 127.0.0.3 --max-time 10 "$@"; }
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

big=$(api -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary @<(head -c 1100000 /dev/zero | tr '\0' 'a') "$url/v1/auth/register")
[ "$big" = 413 ] || { echo "nginx: a 1.1 MB body gave $big, not 413"; exit 1; }
metrics=$(api -o /dev/null -w '%{http_code}' "$url/metrics")
[ "$metrics" = 404 ] || { echo "nginx: /metrics gave $metrics through nginx, not 404"; exit 1; }
echo "nginx: TLS proxying, X-Forwarded-For with TRUST_PROXY=1 ($ip), 413 over 1 MiB, /metrics hidden: ok"
