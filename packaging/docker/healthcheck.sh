#!/bin/bash
# Container HEALTHCHECK: GET /health on the server's port. The slim image has no curl or wget,
# so this speaks HTTP/1.1 over bash's /dev/tcp (no package added for it). Exit 0 on a 200.
set -eu

port=${PORT:-3000}
exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 3 status_line <&3
case $status_line in
  "HTTP/1.1 200 "*) exit 0 ;;
  *) echo "healthcheck: /health answered: ${status_line}" >&2; exit 1 ;;
esac
