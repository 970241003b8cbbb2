#!/usr/bin/env bash
# Configures and builds a preset, then makes its .deb packages in build/<preset>/packages.
# The one build command for `make test` / `make package` (preset dev) and the Dockerfile's build
# stage (preset release), so the container build runs what CI runs.
#   scripts/build-release.sh [preset]     (default: release; AUTHKIT_WERROR=ON for -Werror)
set -euo pipefail
cd "$(dirname "$0")/.."

preset=${1:-release}
cmake --preset "$preset" -DAUTHKIT_WERROR="${AUTHKIT_WERROR:-OFF}"
cmake --build --preset "$preset"
build=build/$preset
rm -rf "$build/packages"
cpack --config "$build/CPackConfig.cmake" -B "$PWD/$build/packages"
ls -l "$build"/packages/*.deb
