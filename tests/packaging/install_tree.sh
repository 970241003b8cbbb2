#!/usr/bin/env bash
# `cmake --install` into a throw-away prefix: checks the tree, the package version rules and
# builds the consumer against it (consumer.sh).
#   install_tree.sh <build dir> <work dir>
set -euo pipefail
build=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null

status=0
expect() {  # expect <path relative to the prefix>...
  for f in "$@"; do
    [ -e "$prefix/$f" ] || { echo "install: missing $f"; status=1; }
  done
}
expect include/authkit/jwt.hpp include/authkit/version.hpp include/authkit/export.hpp \
  lib/cmake/authkit/authkitConfig.cmake lib/cmake/authkit/authkitConfigVersion.cmake \
  lib/cmake/authkit/authkitTargets.cmake lib/pkgconfig/authkit.pc
if grep -q '^BUILD_SHARED_LIBS:BOOL=OFF' "$build/CMakeCache.txt"; then
  expect lib/libauthkit.a
else
  expect lib/libauthkit.so lib/libauthkit.so.1
  [ "$(readlink "$prefix/lib/libauthkit.so")" = libauthkit.so.1 ] \
    || { echo "install: libauthkit.so does not point at the soname libauthkit.so.1"; status=1; }
fi
if grep -q '^AUTHKIT_BUILD_SERVER:BOOL=ON' "$build/CMakeCache.txt"; then
  expect bin/authkit-server share/man/man8/authkit-server.8 \
    share/authkit/migrations/sqlite/0001_initial_schema.sql \
    share/authkit/migrations/postgres/0001_initial_schema.sql \
    share/doc/authkit/README.md share/doc/authkit/configuration.md share/doc/authkit/api.md \
    share/doc/authkit/examples/nginx/authkit.conf share/doc/authkit/examples/nginx/authkit-proxy.conf \
    share/doc/authkit/examples/nginx/authkit-compose.conf \
    share/doc/authkit/examples/observability/prometheus.yml \
    lib/systemd/system/authkit-server.service etc/authkit/authkit.env
  mode=$(stat -c %a "$prefix/etc/authkit/authkit.env")
  [ "$mode" = 640 ] || { echo "install: etc/authkit/authkit.env has mode $mode, not 640"; status=1; }
fi
# Debian-only files are added by cpack, never by a plain install.
[ ! -e "$prefix/share/doc/libauthkit1" ] || { echo "install: Debian files in a plain install"; status=1; }
# Nothing outside these top-level directories (a stray absolute destination would show here or
# outside the prefix altogether).
for top in "$prefix"/*; do
  case $(basename "$top") in bin|etc|include|lib|share) ;; *) echo "install: unexpected $top"; status=1 ;; esac
done
[ "$status" = 0 ] || exit 1

# SameMajorVersion: 1.x is compatible with any 1.y request (y <= x), never with 0.x or 2.x.
cmake -DVERSION_FILE="$prefix/lib/cmake/authkit/authkitConfigVersion.cmake" -P "$here/check_version.cmake"

"$here/consumer.sh" "$prefix" "$work"
