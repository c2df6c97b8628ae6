#!/usr/bin/env bash
# What a build change saves per `pitchreel generate` in fixed costs (start-up, the scene's
# set-up before the first frame, the poster after the last): two builds run on a 2-second
# script, so that those costs show, interleaved round by round so that the host's drift
# falls on both alike; medians of /usr/bin/time's wall time per case. The cases are
# generate_bench.sh's photos, shapes and heights, and the presenter. A profiling aid, not
# part of `make bench` (docs/benchmarks.md, "Time saved per generate").
#
# Usage: tests/bench/fixed_costs.sh OLD_BIN NEW_BIN   (ROUNDS=N, default 8)
set -euo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
rounds=${ROUNDS:-8}
here=$(cd "$(dirname "$0")" && pwd)
testdata=${TESTDATA:-$here/../../../shared/testdata}
dlib=/usr/share/doc/libdlib19.1/examples
work=$(mktemp -d /tmp/pitchreel-fixed-costs.XXXXXX)
trap 'rm -rf "$work"' EXIT
# name | photo | height | aspect | extra options
cases=(
  "cars|$dlib/mmod_cars_test_image.jpg|1080|16:9|"
  "dogs|$dlib/faces/dogs.jpg|1080|9:16|"
  "child|$dlib/faces/2009_004587.jpg|720|16:9|"
  "group|$dlib/faces/bald_guys.jpg|720|9:16|"
  "presenter|$dlib/mmod_cars_test_image.jpg|1080|16:9|--avatar $testdata/portraits/painted-girl.jpg --layout presenter"
)
for ((i = 0; i < rounds; i++)); do
  for build in old new; do
    bin=${!build}
    for c in "${cases[@]}"; do
      IFS='|' read -r name photo height aspect extra <<<"$c"
      # shellcheck disable=SC2086  # extra holds whole options
      /usr/bin/time -f "$name $build %e" -a -o "$work/times.txt" "$bin" generate --image "$photo" \
        --height "$height" --aspect "$aspect" $extra --script "Meet the Aurora bottle." \
        -o "$work/out.mp4" >/dev/null 2>&1
    done
  done
done
echo "| case | before | after | saved |"
echo "| --- | --- | --- | --- |"
for c in "${cases[@]}"; do
  name=${c%%|*}
  med() { grep "^$name $1 " "$work/times.txt" | awk '{print $3}' | sort -g |
    awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
  a=$(med old)
  b=$(med new)
  awk -v n="$name" -v a="$a" -v b="$b" 'BEGIN {printf "| %s | %.3f s | %.3f s | %.0f ms |\n", n, a, b, (a - b) * 1000}'
done
echo "($rounds rounds, medians of the wall time)"
