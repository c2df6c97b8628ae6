#!/usr/bin/env bash
# `make bench`: full render vs. two references on the same input, in one run.
#   floor:  the x264 CLI alone encoding the same frames (decoded back to raw I420) at the
#           same preset and CRF;
#   ffmpeg: what a user would script: the ffmpeg CLI zooming the photo with zoompan
#           (upscaled 4x first, the usual cure for its jitter), burning the captions with
#           the subtitles filter, at the same preset and CRF.
# Each case runs REPEAT times (default 3), the three commands interleaved, and the table
# shows medians, so that a busy machine slows all of them alike.
set -euo pipefail
build=${1:-build}
bench="$build/pitchreel_bench"
repeat=${REPEAT:-3}
preset=veryfast
crf=23
work=$(mktemp -d /tmp/pitchreel-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc -l; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
fmt() { printf "%.${2:-1}f" "$1"; }

run_ffmpeg() {  # dir width height frames
  ffmpeg -loglevel error -y -i "$1/product.jpg" -i "$1/narration.wav" \
    -filter_complex "[0:v]scale=-2:$(($3 * 4)),zoompan=z='min(zoom+0.0004,1.1)':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=$4:s=$2x$3:fps=30,subtitles=$1/captions.srt,format=yuv420p[v]" \
    -map "[v]" -map 1:a -frames:v "$4" -c:v libx264 -preset $preset -crf $crf -c:a aac \
    -movflags +faststart "$1/ffmpeg.mp4"
}

echo "Render benchmark: x264 preset $preset, CRF $crf, medians of $repeat runs, $(nproc) cores"
echo
printf '| case | pitchreel s | realtime x | peak RSS MB | x264 floor s | pitchreel / floor | ffmpeg zoompan s | ffmpeg / pitchreel |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- |\n'
declare -A rss_of
for spec in "30 1920 1080" "30 1280 720" "120 1920 1080"; do
  read -r secs w h <<<"$spec"
  dir="$work/${secs}s-${h}"
  walls=(); rsses=(); floors=(); ffs=()
  for ((i = 0; i < repeat; i++)); do
    json=$("$bench" --seconds "$secs" --height "$h" --preset $preset --crf $crf --dir "$dir")
    walls+=("$(jq -r .wall_s <<<"$json")"); rsses+=("$(jq -r .peak_rss_mb <<<"$json")")
    frames=$(jq -r .frames <<<"$json"); duration=$(jq -r .seconds <<<"$json")
    [ "$secs" = 30 ] || continue
    ffmpeg -loglevel error -y -i "$dir/out.mp4" -f rawvideo -pix_fmt yuv420p "$dir/raw.yuv"
    t=$(now)
    x264 --quiet --preset $preset --crf $crf --fps 30 --input-res "${w}x${h}" -o "$dir/floor.264" "$dir/raw.yuv" 2>/dev/null
    floors+=("$(since "$t")")
    rm -f "$dir/raw.yuv"
    t=$(now)
    run_ffmpeg "$dir" "$w" "$h" "$frames"
    ffs+=("$(since "$t")")
  done
  wall=$(median "${walls[@]}"); rss=$(median "${rsses[@]}")
  rss_of["$secs-$h"]=$rss
  row="| ${secs}s ${h}p30 | $(fmt "$wall") | $(fmt "$(echo "$duration / $wall" | bc -l)" 2) | $(fmt "$rss" 0)"
  if [ "$secs" = 30 ]; then
    floor=$(median "${floors[@]}"); ff=$(median "${ffs[@]}")
    row+=" | $(fmt "$floor") | $(fmt "$(echo "$wall / $floor" | bc -l)" 2) | $(fmt "$ff") | $(fmt "$(echo "$ff / $wall" | bc -l)" 2) |"
  else
    row+=" | - | - | - | - |"
  fi
  echo "$row"
  rm -rf "$dir"
done
growth=$(echo "(${rss_of[120-1080]} / ${rss_of[30-1080]} - 1) * 100" | bc -l)
printf '\nPeak RSS growth from a 30 s to a 120 s video at 1080p: %s%%\n' "$(fmt "$growth")"

# The talking presenter (issue 4): 30 s at 1080p30 in the presenter and pip layouts, the
# portrait's landmarks found once; the same x264 floor as above, from the same run.
portrait=${PORTRAIT:-../shared/testdata/portraits/painted-girl.jpg}
if [ -f "$portrait" ]; then
  echo
  printf '| presenter case | pitchreel s | x264 floor s | pitchreel / floor | landmarks ms | peak RSS MB |\n'
  printf '| --- | --- | --- | --- | --- | --- |\n'
  for layout in presenter pip; do
    dir="$work/presenter-$layout"
    walls=(); rsses=(); floors=(); marks=()
    for ((i = 0; i < repeat; i++)); do
      json=$("$bench" --seconds 30 --height 1080 --preset $preset --crf $crf --dir "$dir" \
        --avatar "$portrait" --layout "$layout")
      walls+=("$(jq -r .wall_s <<<"$json")"); rsses+=("$(jq -r .peak_rss_mb <<<"$json")")
      marks+=("$(jq -r .landmark_ms <<<"$json")")
      ffmpeg -loglevel error -y -i "$dir/out.mp4" -f rawvideo -pix_fmt yuv420p "$dir/raw.yuv"
      t=$(now)
      x264 --quiet --preset $preset --crf $crf --fps 30 --input-res 1920x1080 -o "$dir/floor.264" "$dir/raw.yuv" 2>/dev/null
      floors+=("$(since "$t")")
      rm -f "$dir/raw.yuv"
    done
    wall=$(median "${walls[@]}"); floor=$(median "${floors[@]}")
    echo "| 30s 1080p30 $layout | $(fmt "$wall") | $(fmt "$floor") | $(fmt "$(echo "$wall / $floor" | bc -l)" 2) | $(fmt "$(median "${marks[@]}")" 0) | $(fmt "$(median "${rsses[@]}")" 0) |"
    rm -rf "$dir"
  done
else
  echo "(presenter rows skipped: $portrait is absent)"
fi
