#!/usr/bin/env bash
# Two builds of `pitchreel generate`, each against the x264 floor on its own video decoded
# back to YUV4MPEG2, interleaved round by round: for a build that cannot dump its composed
# frames (PITCHREEL_DUMP_Y4M came later), e.g. to compare with an old release. Decoded
# frames cost x264 a little more than composed ones, so the ratios compare only with each
# other, not with generate_bench.sh's. A profiling aid, not part of `make bench`
# (docs/benchmarks.md, "Against round one").
#
# Usage: tests/bench/decoded_floor.sh OLD_BIN NEW_BIN PHOTO HEIGHT ASPECT [generate options]
#   ROUNDS=N   rounds (default 3)
# The 30-second script (tests/bench/script-30s.txt), veryfast CRF 23.
set -euo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
photo=$3
height=$4
aspect=$5
shift 5
rounds=${ROUNDS:-3}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/pitchreel-decoded-floor.XXXXXX)
trap 'rm -rf "$work"' EXIT
args=(generate --image "$photo" --script-file "$here/script-30s.txt" --height "$height"
      --aspect "$aspect" --preset veryfast --crf 23 "$@")
for build in old new; do
  "${!build}" "${args[@]}" -o "$work/$build.mp4" >/dev/null 2>&1
  ffmpeg -loglevel error -y -i "$work/$build.mp4" -f yuv4mpegpipe -pix_fmt yuv420p "$work/$build.y4m"
  sync "$work/$build.y4m"  # its write-back must not land on a timed round
done
echo "| round | build | generate s | floor s | generate / floor | peak RSS MB |"
echo "| --- | --- | --- | --- | --- | --- |"
for ((i = 1; i <= rounds; i++)); do
  for build in old new; do
    /usr/bin/time -f '%e %M' -o "$work/time.txt" "${!build}" "${args[@]}" -o "$work/out.mp4" \
      >/dev/null 2>&1
    read -r g rss <"$work/time.txt"
    /usr/bin/time -f '%e' -o "$work/time.txt" ffmpeg -loglevel error -y -i "$work/$build.y4m" \
      -c:v libx264 -preset veryfast -crf 23 -movflags +faststart "$work/floor.mp4"
    f=$(cat "$work/time.txt")
    awk -v i="$i" -v b="$build" -v g="$g" -v f="$f" -v m="$rss" \
      'BEGIN {printf "| %d | %s | %.2f | %.2f | %.3fx | %.0f |\n", i, b, g, f, g / f, m / 1024}'
  done
done
