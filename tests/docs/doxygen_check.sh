#!/usr/bin/env bash
# doxygen_check.sh ROOT [self-test]: runs doxygen with ROOT/docs/Doxyfile (what `make docs`
# runs) into a scratch directory and fails on any warning, so every public declaration of
# include/authkit stays documented. `self-test` runs the same settings on a scratch header with
# one undocumented function and fails unless doxygen reports it: the check can fail.
set -euo pipefail
root=${1:?usage: doxygen_check.sh ROOT [self-test]}
mode=${2:-check}
command -v doxygen >/dev/null || {
  echo "doxygen_check: doxygen not found (scripts/install-deps.sh tools installs it)" >&2
  exit 1
}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The Doxyfile's paths are relative to the repository root; the settings appended after it
# replace its own (the last assignment wins).
run_doxygen() {
  (
    cd "$root"
    { cat docs/Doxyfile; echo "OUTPUT_DIRECTORY = $scratch/out"; printf '%s\n' "$@"; } |
      doxygen - >"$scratch/log" 2>&1
  )
}

if [ "$mode" = self-test ]; then
  mkdir -p "$scratch/include/authkit"
  cat >"$scratch/include/authkit/planted.hpp" <<'HPP'
/// @file
/// A header with one documented and one undocumented declaration.
#pragma once
/// Documented.
int documented();
int undocumented_on_purpose();
HPP
  if run_doxygen "INPUT = $scratch/include/authkit" "STRIP_FROM_PATH = $scratch/include"; then
    echo "doxygen_check self-test: an undocumented declaration passed" >&2
    cat "$scratch/log" >&2
    exit 1
  fi
  grep -q 'undocumented_on_purpose' "$scratch/log" || {
    echo "doxygen_check self-test: doxygen failed without naming the declaration:" >&2
    cat "$scratch/log" >&2
    exit 1
  }
  echo "doxygen_check self-test: the undocumented declaration was reported"
  exit 0
fi

if ! run_doxygen || [ -s "$scratch/log" ]; then
  echo "doxygen_check: the API reference has warnings (every public declaration needs a ///" \
    "comment; docs/Doxyfile):" >&2
  cat "$scratch/log" >&2
  exit 1
fi
echo "doxygen_check: $(find "$scratch/out/html" -name '*.html' | wc -l) pages, no warnings"
