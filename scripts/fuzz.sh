#!/usr/bin/env bash
# Coverage-guided fuzzing of tests/fuzz's targets with libFuzzer (`make fuzz SECONDS=N`):
#   scripts/fuzz.sh SECONDS [LONG_SECONDS]
# builds the `fuzz` preset (clang 14, ASan + UBSan, build/fuzz), then runs every target for
# SECONDS, token and request_body (token verification, request bodies) for LONG_SECONDS
# (default 5 x SECONDS), two at a time, and prints a table of executions, coverage (libFuzzer's
# final cov: edges and ft: features), corpus size and crashes per target.
#
# Each target starts from its seed corpus in the tree (tests/fuzz/corpus/<target>, read only) and
# the corpus of earlier runs in build/fuzz/corpus/<target>, where new entries go: the tree's stays
# small. Crashes (and leaks, timeouts, out-of-memory) are written to build/fuzz/artifacts/<target>;
# a crash found is fixed and its input copied to tests/fuzz/corpus/<target>/crash-<what>, which
# the replay of `make test` (ctest label fuzz) then runs. Exits 1 when any target found one.
set -euo pipefail

if [ "${1:-}" = "--one" ]; then  # internal: one target, run by the scheduler below
  target=$2 seconds=$3 out=build/fuzz
  mkdir -p "$out/corpus/$target" "$out/artifacts/$target" "$out/logs"
  # -timeout: an input taking 25 s is a finding; -rss_limit_mb: so is 2 GiB (ASan's shadow
  # memory included). The first corpus directory receives the new entries.
  status=0
  "$out/tests/fuzz/${target}_fuzzer" -max_total_time="$seconds" -print_final_stats=1 \
    -timeout=25 -rss_limit_mb=2048 -artifact_prefix="$out/artifacts/$target/" \
    "$out/corpus/$target" "tests/fuzz/corpus/$target" >"$out/logs/$target.log" 2>&1 || status=$?
  echo "fuzz: $target done after $seconds s (exit $status)"
  exit 0
fi

seconds=${1:?usage: scripts/fuzz.sh SECONDS [LONG_SECONDS]}
long=${2:-$((seconds * 5))}
cd "$(dirname "$0")/.."

cmake --preset fuzz -DAUTHKIT_WERROR="${AUTHKIT_WERROR:-OFF}" >/dev/null
cmake --build --preset fuzz --target authkit_fuzzers

long_targets=(token request_body)
short_targets=(base64url bearer url config capi)
rm -rf build/fuzz/artifacts build/fuzz/logs
# Longest first, two at a time (one per core of a 2-core machine).
{
  for t in "${long_targets[@]}"; do echo "$t $long"; done
  for t in "${short_targets[@]}"; do echo "$t $seconds"; done
} | xargs -P 2 -L 1 "$0" --one

found=0
printf '\n| target | seconds | execs | execs/s | cov (of edges) | ft | corpus (files) | crashes |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for t in "${long_targets[@]}" "${short_targets[@]}"; do
  log=build/fuzz/logs/$t.log
  secs=$seconds
  [[ " ${long_targets[*]} " == *" $t "* ]] && secs=$long
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  # The last status line (DONE, or the last before a crash): "#N ... cov: C ft: F corp: ..."
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  # Of how many: the edges instrumented in the binary (the library's objects it links, and the target).
  edges=$(sed -n 's/.*(\([0-9]*\) inline 8-bit counters).*/\1/p' "$log" | head -1)
  corpus=$(find build/fuzz/corpus/"$t" -type f | wc -l)
  crashes=$(find build/fuzz/artifacts/"$t" -type f | wc -l)
  [ "$crashes" -eq 0 ] || found=1
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$secs" "${execs:-?}" "${rate:-?}" \
    "${cov:-?} (of ${edges:-?})" "${ft:-?}" "$corpus" "$crashes"
done
if [ "$found" -ne 0 ]; then
  echo "fuzz: findings in build/fuzz/artifacts (logs in build/fuzz/logs)" >&2
  exit 1
fi
