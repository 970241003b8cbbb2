#!/bin/sh
# Installs libauthkit1 and authkit-server from the .deb files in <dir> with apt, which brings
# exactly their runtime Depends (computed by dpkg-shlibdeps) and runs the postinst that creates
# the non-root user `authkit`. The Dockerfile's runtime stage runs it; the packaging tests run it
# with --simulate on the packages they build (apt resolves everything, installs nothing).
#   install-debs.sh [--simulate] <dir>
set -eu

simulate=""
if [ "${1:-}" = "--simulate" ]; then
  simulate="--simulate"
  shift
fi
dir=$(cd "$1" && pwd)
set -- "$dir"/libauthkit1_*.deb "$dir"/authkit-server_*.deb
for deb in "$@"; do
  [ -f "$deb" ] || { echo "install-debs: no $deb" >&2; exit 1; }
done

if [ -z "$simulate" ]; then
  apt-get update -qq
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $simulate "$@"
if [ -z "$simulate" ]; then
  # The image keeps no package lists or caches.
  apt-get clean
  rm -rf /var/lib/apt/lists/*
fi
