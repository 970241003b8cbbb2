#!/usr/bin/env bash
# `nginx -t` on packaging/nginx/authkit.conf, inside a minimal nginx.conf of a throw-away prefix
# and with a throw-away self-signed certificate in place of the example's paths.
#   nginx_check.sh <authkit.conf>
set -euo pipefail
conf=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=auth.example.com \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
sed -e "s#/etc/ssl/certs/auth.example.com.pem#$work/cert.pem#" \
    -e "s#/etc/ssl/private/auth.example.com.key#$work/key.pem#" "$conf" >"$work/authkit.conf"
grep -q "$work/cert.pem" "$work/authkit.conf" || { echo "nginx: certificate path not found in $conf"; exit 1; }
cat >"$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log $work/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $work/body;
    proxy_temp_path $work/proxy;
    include $work/authkit.conf;
}
CONF
nginx -t -p "$work" -c "$work/nginx.conf" -e "$work/error.log"
