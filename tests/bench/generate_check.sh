#!/usr/bin/env bash
# Runs the whole-command and queue-draining benchmarks (tests/bench/generate_bench.sh,
# drain_bench.sh) on a tiny case, one round, and checks that each prints its table with
# figures, so that `make bench` cannot rot unnoticed. Times are not judged here.
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$(REPEAT=1 CASES="child-16x9-720 phone-16x9-720 photo-12mp new-presenter" SCRIPT="Meet the Aurora bottle. Order yours today." \
  bash "$here/generate_bench.sh" "$build")
echo "$out"
if grep -q 'child-16x9-720 | (.* is absent' <<<"$out"; then
  echo "bench generate: skipped (the dlib example photos are absent)"
else
  # Non-zero times: a missing tool would leave zeros in the table.
  nz='(0\.[0-9]*[1-9][0-9]*|[1-9][0-9.]*)'
  grep -Eq "^\\| child-16x9-720 \\| 2009_004587.jpg 400x500 \\| $nz \\| $nz \\| [0-9.]+x" <<<"$out" \
    || { echo "generate_bench.sh printed no figures for its case" >&2; exit 1; }
  grep -Eq "^\\| phone-16x9-720 \\| phone-12mp.jpg 3972x2978 \\| $nz \\| $nz \\| [0-9.]+x" <<<"$out" \
    || { echo "generate_bench.sh printed no figures for the phone photo's case" >&2; exit 1; }
  grep -Eq "^Peak RSS, 1080p, a 12-megapixel photo, showcase: [1-9][0-9]* MB" <<<"$out" \
    || { echo "generate_bench.sh printed no peak RSS for the 12-megapixel photo" >&2; exit 1; }
  if [ -f "$here/../../../shared/testdata/portraits/painted-girl.jpg" ]; then
    grep -Eq "^Peak RSS, 1080p, a new presenter \(the face not in the cache\): [1-9][0-9]* MB" <<<"$out" \
      || { echo "generate_bench.sh printed no peak RSS for a new presenter" >&2; exit 1; }
  fi
fi
out=$(JOBS=2 WORKERS=2 SCRIPT="Meet the Aurora bottle." bash "$here/drain_bench.sh" "$build")
echo "$out"
grep -Eq '^\| `pitchreel serve`, PITCHREEL_WORKERS=2 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|' <<<"$out" \
  || { echo "drain_bench.sh printed no figures" >&2; exit 1; }
echo "bench generate/drain: ok"
