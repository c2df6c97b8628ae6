#!/usr/bin/env bash
# Runs the render benchmark's driver on a two-second 720p case and checks what `make bench`
# reads from it (tests/bench/run.sh): a JSON line with the frames, the wall time and the peak
# RSS, and the video, photo, narration and captions that the reference commands use.
set -euo pipefail
bench=$1
dir=$(mktemp -d /tmp/pitchreel-bench-check.XXXXXX)
trap 'rm -rf "$dir"' EXIT
json=$("$bench" --seconds 2 --height 720 --dir "$dir")
echo "$json"
jq -e '.frames >= 60 and .height == 720 and .wall_s > 0 and .peak_rss_mb > 0' <<<"$json" >/dev/null \
  || { echo "unexpected driver output: $json" >&2; exit 1; }
for f in out.mp4 product.jpg narration.wav captions.srt; do
  [ -s "$dir/$f" ] || { echo "the driver did not write $f" >&2; exit 1; }
done
frames=$(ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=nb_read_frames -of csv=p=0 "$dir/out.mp4")
expected=$(jq -r .frames <<<"$json")
[ "$frames" = "$expected" ] || { echo "out.mp4 has $frames frames, the driver said $expected" >&2; exit 1; }
echo "bench driver: ok"
