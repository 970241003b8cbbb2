#!/usr/bin/env bash
# check_symbols.sh LIB SYMBOLS_TXT: the ak_* symbols LIB exports are exactly SYMBOLS_TXT's, and
# everything else it exports belongs to the C++ API (namespace authkit).
set -euo pipefail
lib=$1
expected=$2

actual=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | grep '^ak_' | sort)
listed=$(grep -v '^#' "$expected" | sed '/^$/d' | sort)
if [ "$actual" != "$listed" ]; then
  echo "capi_symbols: exported ak_* symbols differ from $expected (< listed, > exported):"
  diff <(echo "$listed") <(echo "$actual") || true
  exit 1
fi

# Demangled, every other exported symbol names something of namespace authkit (the version
# node AUTHKIT_1 is an absolute symbol of its own).
stray=$(nm -D --defined-only -C "$lib" | cut -d' ' -f3- | grep -v '^ak_' | grep -v 'authkit::' |
  grep -v '^AUTHKIT_1$' || true)
if [ -n "$stray" ]; then
  echo "capi_symbols: exported symbols outside ak_* and namespace authkit:"
  echo "$stray"
  exit 1
fi
echo "capi_symbols: $(echo "$actual" | wc -l) ak_* symbols as listed; nothing stray exported"
