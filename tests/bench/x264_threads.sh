#!/usr/bin/env bash
# What x264's own threading costs at 1080p, with no drawing at all: the frames of one
# `pitchreel generate` run (PITCHREEL_DUMP_Y4M) encoded by ffmpeg alone, interleaved round
# by round, with x264's default threading (the floor of generate_bench.sh) and with the
# threading pitchreel uses above 720p by default (PITCHREEL_X264_THREADING=lean; x264_threading
# in src/media/encoder.cpp: a frame thread per core, 3 frames of threaded lookahead, for the
# 300 MB target; `full` is x264's own, the floor's). Their ratio is the lowest generate /
# floor ratio a lean render of those frames can reach on this machine. SYNC="2 3 4" runs
# the lean threading with each of those lookahead buffers instead (the bitstream is the
# same; the speed and the memory are not). A profiling aid, not part of `make bench`
# (docs/benchmarks.md, "twelfth session").
#
# Usage: tests/bench/x264_threads.sh BIN [generate options]
#   e.g. tests/bench/x264_threads.sh build/pitchreel --avatar ../shared/testdata/portraits/painted-girl.jpg --layout presenter
# ROUNDS=N (default 4); SYNC (default 3, pitchreel's); PHOTO, ASPECT and HEIGHT as in
# frame_ms.sh (the cars photo, 16:9, 1080p by default); the 30-second script, veryfast CRF 23.
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
ours=3  # pitchreel's lean sync_lookahead (x264_threading in src/media/encoder.cpp)
read -r -a syncs <<<"${SYNC:-$ours}"
hows=(default)
for n in "${syncs[@]}"; do hows+=("sync$n"); done
for ((i = 0; i < rounds; i++)); do
  for how in "${hows[@]}"; do
    extra=()
    [ "$how" != default ] && extra=(-threads "$(nproc)" -x264-params "sync-lookahead=${how#sync}")
    /usr/bin/time -f "$how %e %U %S %M" -a -o "$work/times.txt" ffmpeg -loglevel error -y \
      -i "$work/frames.y4m" -c:v libx264 -preset veryfast -crf 23 "${extra[@]}" \
      -movflags +faststart "$work/x.mp4"
  done
done
med() { grep "^$1 " "$work/times.txt" | awk -v f="$2" '{print f == "cpu" ? $3 + $4 : $f}' | sort -g |
  awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "| x264 threading | wall s | CPU s | peak RSS MB | wall / default |"
echo "| --- | --- | --- | --- | --- |"
for how in "${hows[@]}"; do
  label="default (the floor)"
  [ "$how" != default ] && label="-threads $(nproc) -x264-params sync-lookahead=${how#sync}"
  [ "$how" = "sync$ours" ] && label="$label (pitchreel's)"
  awk -v l="$label" -v w="$(med "$how" 2)" -v c="$(med "$how" cpu)" -v m="$(med "$how" 5)" \
    -v d="$(med default 2)" 'BEGIN {printf "| %s | %.2f | %.2f | %.0f | %.2fx |\n", l, w, c, m / 1024, w / d}'
done
echo "($rounds rounds, medians)"
