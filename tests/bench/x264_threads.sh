#!/usr/bin/env bash
# What x264's own threading costs at 1080p, with no drawing at all: the frames of one
# `pitchreel generate` run (PITCHREEL_DUMP_Y4M) encoded by ffmpeg alone, interleaved round
# by round, with x264's default threading (the floor of generate_bench.sh) and with the
# threading pitchreel uses above 720p by default (PITCHREEL_X264_THREADING=lean; x264_threading
# in src/media/encoder.cpp: a frame thread per core, 2 frames of threaded lookahead, for the
# 300 MB target; `full` is x264's own, the floor's). Their ratio is the lowest generate /
# floor ratio a lean render of those frames can reach on this machine. A
# profiling aid, not part of `make bench` (docs/benchmarks.md, "tenth session").
#
# Usage: tests/bench/x264_threads.sh BIN [generate options]
#   e.g. tests/bench/x264_threads.sh build/pitchreel --avatar ../shared/testdata/portraits/painted-girl.jpg --layout presenter
# ROUNDS=N (default 4); PHOTO, ASPECT and HEIGHT as in frame_ms.sh (the cars photo, 16:9,
# 1080p by default); the 30-second script, veryfast CRF 23.
set -euo pipefail
bin=$(realpath "$1")
shift
here=$(cd "$(dirname "$0")" && pwd)
rounds=${ROUNDS:-4}
photo=${PHOTO:-/usr/share/doc/libdlib19.1/examples/mmod_cars_test_image.jpg}
work=$(mktemp -d /tmp/pitchreel-x264-threads.XXXXXX)
trap 'rm -rf "$work"' EXIT
PITCHREEL_DUMP_Y4M="$work/frames.y4m" "$bin" generate --image "$photo" \
  --script "$(cat "$here/script-30s.txt")" --aspect "${ASPECT:-16:9}" --height "${HEIGHT:-1080}" \
  --preset veryfast --crf 23 -o "$work/out.mp4" "$@" >/dev/null
sync "$work/frames.y4m"
ours=(-threads "$(nproc)" -x264-params sync-lookahead=2)
for ((i = 0; i < rounds; i++)); do
  for how in default ours; do
    extra=()
    [ "$how" = ours ] && extra=("${ours[@]}")
    /usr/bin/time -f "$how %e %U %S %M" -a -o "$work/times.txt" ffmpeg -loglevel error -y \
      -i "$work/frames.y4m" -c:v libx264 -preset veryfast -crf 23 "${extra[@]}" \
      -movflags +faststart "$work/x.mp4"
  done
done
med() { grep "^$1 " "$work/times.txt" | awk -v f="$2" '{print f == "cpu" ? $3 + $4 : $f}' | sort -g |
  awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "| x264 threading | wall s | CPU s | peak RSS MB |"
echo "| --- | --- | --- | --- |"
for how in default ours; do
  label="default (the floor)"
  [ "$how" = ours ] && label="pitchreel's (${ours[*]})"
  awk -v l="$label" -v w="$(med "$how" 2)" -v c="$(med "$how" cpu)" -v m="$(med "$how" 5)" \
    'BEGIN {printf "| %s | %.2f | %.2f | %.0f |\n", l, w, c, m / 1024}'
done
awk -v a="$(med default 2)" -v b="$(med ours 2)" -v r="$rounds" \
  'BEGIN {printf "ours / default: %.2fx (%d rounds, medians)\n", b / a, r}'
