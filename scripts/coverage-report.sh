#!/usr/bin/env bash
# coverage-report.sh [BUILD_DIR]: line and branch coverage of src/, capi/ and examples/server from
# the .gcda files the suites left in BUILD_DIR (default build/coverage; `make coverage` runs the
# suites first). Writes into BUILD_DIR:
#   coverage.txt              per file: lines, then branches (gcovr's text reports)
#   coverage-summary.json     gcovr's per-file summary, read by the table below
#   html/index.html           the annotated sources
# and prints the totals per area and the least-covered files (docs/testing.md quotes them).
# Branches: gcovr drops the ones gcc adds for exception unwinding and those it marks
# unreachable, so the figure counts the decisions written in the source.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/build/coverage}" && pwd)

if ! find "$build" -name '*.gcda' -print -quit | grep -q .; then
  echo "coverage-report: no .gcda files in $build: build the coverage preset and run its tests" >&2
  exit 1
fi

# Only the sources of the tree: the generated migrations .cpp in the build directory and the
# headers of Debian's packages are left out.
gcovr_args=(
  --root "$here" --object-directory "$build" -j 2
  --filter "$here/src/" --filter "$here/capi/" --filter "$here/examples/server/"
  --exclude-throw-branches --exclude-unreachable-branches
)
cd "$here"
mkdir -p "$build/html"
gcovr "${gcovr_args[@]}" \
  --txt "$build/coverage-lines.txt" \
  --json-summary-pretty --json-summary "$build/coverage-summary.json" \
  --html-details "$build/html/index.html" --html-title "libauthkit coverage"
# The branch table comes from the same data: gcovr writes one text report per run.
gcovr "${gcovr_args[@]}" --branches --txt "$build/coverage-branches.txt"
cat "$build/coverage-lines.txt" "$build/coverage-branches.txt" > "$build/coverage.txt"
rm "$build/coverage-lines.txt" "$build/coverage-branches.txt"

python3 - "$build/coverage-summary.json" <<'EOF'
import json
import sys

files = json.load(open(sys.argv[1]))["files"]
areas = {"src/": [0, 0, 0, 0], "capi/": [0, 0, 0, 0], "examples/server/": [0, 0, 0, 0]}
target = [0, 0]  # src/ and capi/ lines: the figure the target is set on
for f in files:
    for area, sums in areas.items():
        if f["filename"].startswith(area):
            sums[0] += f["line_covered"]
            sums[1] += f["line_total"]
            sums[2] += f["branch_covered"]
            sums[3] += f["branch_total"]
            if area != "examples/server/":
                target[0] += f["line_covered"]
                target[1] += f["line_total"]


def percent(covered, total):
    return 100.0 * covered / total if total else 100.0


print("coverage: area              lines                 branches")
for area, (lc, lt, bc, bt) in areas.items():
    print(f"coverage: {area:<17} {percent(lc, lt):5.1f}% ({lc:5}/{lt:5})  "
          f"{percent(bc, bt):5.1f}% ({bc:5}/{bt:5})")
print(f"coverage: src/ + capi/ lines: {percent(*target):.1f}% ({target[0]}/{target[1]})")
print("coverage: the 15 files with the most uncovered lines:")
worst = sorted(files, key=lambda f: f["line_total"] - f["line_covered"], reverse=True)[:15]
for f in worst:
    missed = f["line_total"] - f["line_covered"]
    print(f"coverage:   {f['filename']:<48} {missed:4} lines uncovered, "
          f"{percent(f['line_covered'], f['line_total']):5.1f}% of {f['line_total']}")
EOF
echo "coverage: report $build/coverage.txt, HTML $build/html/index.html"
