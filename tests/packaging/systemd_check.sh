#!/usr/bin/env bash
# systemd-analyze verify on the unit (any diagnostic fails, even the "unknown key, ignoring" that
# verify itself lets pass), and its sandboxing kept at systemd's "OK" exposure level.
# ExecStart points at /bin/true here: the unit names /usr/bin/authkit-server, not installed.
#   systemd_check.sh <authkit-server.service>
set -euo pipefail
unit=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed 's#^ExecStart=/usr/bin/authkit-server#ExecStart=/bin/true#' "$unit" >"$work/authkit-server.service"
grep -q '^ExecStart=/bin/true' "$work/authkit-server.service" || { echo "systemd: no ExecStart=/usr/bin/authkit-server"; exit 1; }

# The man page is in the package, not on this machine: --man=no.
diagnostics=$(systemd-analyze verify --man=no "$work/authkit-server.service" 2>&1) || { echo "$diagnostics"; exit 1; }
if [ -n "$diagnostics" ]; then
  echo "$diagnostics"
  exit 1
fi
# Exposure 0 (sandboxed) .. 10 (not at all); "OK" is below 2.0. --threshold fails above 2.0.
systemd-analyze security --offline=yes --threshold=20 "$work/authkit-server.service" | tail -n 1
