#!/usr/bin/env bash
# abi-baseline.sh LIB HEADERS_DIR OUT: writes the C ABI baseline of LIB (abidw, Debian's
# abigail-tools): only the ak_* functions (capi/abi/suppressions.txt) and the types of the
# headers in HEADERS_DIR (only authkit.h: the handles stay opaque), without build paths, so that
# any checkout compares equal. Run through `cmake --build <dir> --target authkit-abi-baseline`.
set -euo pipefail
lib=$1
headers=$2
out=$3
here=$(cd "$(dirname "$0")/.." && pwd)

abidw --no-corpus-path --no-comp-dir-path --no-show-locs --type-id-style hash \
  --exported-interfaces-only --drop-undefined-syms --drop-private-types \
  --headers-dir "$headers" --suppressions "$here/capi/abi/suppressions.txt" "$lib" |
  # Translation units left without any C ABI content, and the checkout's path, are noise.
  sed -E "s#path='[^']*/((capi|src|include)/[^']*)'#path='\\1'#" |
  awk '/<abi-instr .*\/>$/ {next}
       /<abi-instr / {held = $0; next}
       held != "" && /<\/abi-instr>/ {held = ""; next}
       held != "" {print held; held = ""}
       {print}' > "$out"
echo "abi-baseline: wrote $out ($(wc -l < "$out") lines)"
