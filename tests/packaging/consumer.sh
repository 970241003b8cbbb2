#!/usr/bin/env bash
# Builds tests/consumer against an installed libauthkit both ways a user would (the CMake package
# and pkg-config), runs both programs, and checks they run on the library of that prefix.
#   consumer.sh <prefix> <work dir>
# AUTHKIT_CONSUMER_FLAGS: extra compile and link flags (the sanitizer flags of an ASan build,
# whose libauthkit needs the sanitizer runtime in the program too).
set -euo pipefail
prefix=$(realpath "$1")
work=$2
src=$(cd "$(dirname "$0")/../consumer" && pwd)
flags=${AUTHKIT_CONSUMER_FLAGS:-}

pc=$(find "$prefix" -name authkit.pc -path '*/pkgconfig/*' | head -n 1)
[ -n "$pc" ] || { echo "consumer: no authkit.pc under $prefix"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")

# A clean environment: nothing but the prefix may provide authkit.
unset CMAKE_PREFIX_PATH PKG_CONFIG_PATH LD_LIBRARY_PATH
rm -rf "$work/cmake" "$work/make"
mkdir -p "$work/cmake" "$work/make"

echo "== CMake: find_package(authkit CONFIG) from $prefix"
cmake -S "$src" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror $flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF >/dev/null
grep -q "authkit_DIR:PATH=$prefix/" "$work/cmake/CMakeCache.txt" \
  || { echo "consumer: authkit was not found under $prefix"; grep authkit_DIR "$work/cmake/CMakeCache.txt"; exit 1; }
cmake --build "$work/cmake" >/dev/null

echo "== Makefile: pkg-config from $(dirname "$pc")"
# A static libauthkit needs its dependencies on the link line: pkg-config --static.
static_flags=""
[ -e "$libdir/libauthkit.a" ] && [ ! -e "$libdir/libauthkit.so" ] && static_flags=--static
PKG_CONFIG_PATH="$(dirname "$pc")" make -s -C "$src" OUT="$(realpath "$work/make")" PKG_CONFIG_FLAGS="$static_flags" \
  CXXFLAGS="-O2 -Wall -Wextra -Werror $flags" LDFLAGS="$flags"

for program in "$work/cmake/authkit_consumer" "$work/make/authkit_consumer"; do
  # The CMake build has an RPATH to the prefix; the Makefile's program gets the library path.
  LD_LIBRARY_PATH="$libdir" "$program"
  # Shared builds only: the program must load libauthkit from the prefix, not from elsewhere.
  if [ -e "$libdir/libauthkit.so.1" ]; then
    loaded=$(LD_LIBRARY_PATH="$libdir" ldd "$program" | awk '/libauthkit\.so/ {print $3}')
    [ "$(realpath "$loaded")" = "$(realpath "$libdir/libauthkit.so.1")" ] \
      || { echo "consumer: $program loads libauthkit from '$loaded', not $libdir"; exit 1; }
  fi
done
