#!/usr/bin/env bash
# Builds the .deb packages of a configured and built tree into <out dir> (what `make package`
# does for build/dev), replacing what was there.
#   build_debs.sh <build dir> <out dir>
set -euo pipefail
build=$(realpath "$1")
out=$2
rm -rf "$out"
mkdir -p "$out"
cpack --config "$build/CPackConfig.cmake" -B "$(realpath "$out")" >"$out/cpack.log" 2>&1 \
  || { cat "$out/cpack.log"; exit 1; }
ls "$out"/*.deb
