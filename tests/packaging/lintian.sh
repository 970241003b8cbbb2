#!/usr/bin/env bash
# lintian on the .deb packages: fails on any error, and on any warning whose tag is not listed
# (with its reason) in docs/packaging.md, so a new warning cannot pass unnoticed.
#   lintian.sh <dir with the .deb files> <docs/packaging.md>
set -euo pipefail
debs=$1
doc=$2
# lintian exits 2 when a tag at --fail-on's level was emitted, 1 when it could not check.
status=0
output=$(lintian --tag-display-limit 0 --display-level '>=warning' --fail-on error \
  "$debs"/*.deb 2>&1) || status=$?
echo "$output"
case $status in
  0) ;;
  2) echo "lintian: errors above"; exit 1 ;;
  *) echo "lintian: could not check the packages (exit $status)"; exit 1 ;;
esac
unexplained=0
for tag in $(awk '/^W: / {print $3}' <<<"$output" | sort -u); do
  if ! grep -q "^| \`$tag\` |" "$doc"; then
    echo "lintian: warning $tag is not explained in $doc"
    unexplained=1
  fi
done
exit $unexplained
