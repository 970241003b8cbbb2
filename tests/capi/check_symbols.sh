#!/usr/bin/env bash
# check_symbols.sh LIB SYMBOLS_TXT VERSION: the ak_* symbols LIB exports are exactly
# SYMBOLS_TXT's, all in the version node AUTHKIT_1 (the C ABI's binary promise), and everything
# else it exports belongs to the C++ API (namespace authkit), all in the node AUTHKIT_CXX_VERSION
# (docs/c-abi.md#abi-policy).
set -euo pipefail
lib=$1
expected=$2
version=$3

actual=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | grep '^ak_' | sort)
listed=$(grep -v '^#' "$expected" | sed '/^$/d' | sort)
if [ "$actual" != "$listed" ]; then
  echo "capi_symbols: exported ak_* symbols differ from $expected (< listed, > exported):"
  diff <(echo "$listed") <(echo "$actual") || true
  exit 1
fi

# Demangled, every other exported symbol names something of namespace authkit (the version
# nodes are absolute symbols of their own).
cxx_node="AUTHKIT_CXX_$version"
stray=$(nm -D --defined-only -C "$lib" | cut -d' ' -f3- | sed 's/@@*[A-Z0-9_.]*$//' |
  grep -v '^ak_' | grep -v 'authkit::' | grep -v -x -e AUTHKIT_1 -e "$cxx_node" || true)
if [ -n "$stray" ]; then
  echo "capi_symbols: exported symbols outside ak_* and namespace authkit:"
  echo "$stray"
  exit 1
fi

# Each symbol in its node: the C ABI in AUTHKIT_1, the C++ API in the release's node.
misplaced_c=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep '^ak_' |
  grep -v '@@AUTHKIT_1$' || true)
misplaced_cxx=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^ak_' |
  grep -v -x -e AUTHKIT_1 -e "$cxx_node" | grep -v "@@$cxx_node\$" || true)
if [ -n "$misplaced_c" ] || [ -n "$misplaced_cxx" ]; then
  echo "capi_symbols: symbols outside their version node (C: AUTHKIT_1, C++: $cxx_node):"
  echo "$misplaced_c" "$misplaced_cxx" | head -20
  exit 1
fi
cxx_count=$(nm -D --defined-only "$lib" | grep -c "@@$cxx_node\$" || true)
if [ "$cxx_count" -lt 2 ]; then
  echo "capi_symbols: no C++ API in $cxx_node"
  exit 1
fi
echo "capi_symbols: $(echo "$actual" | wc -l) ak_* symbols as listed in AUTHKIT_1;" \
  "$cxx_count C++ symbols in $cxx_node; nothing stray exported"
