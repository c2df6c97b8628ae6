#!/usr/bin/env bash
# `make bench`: full render vs. two references on the same input, in one run.
#   floor: the x264 CLI alone encoding the same frames (decoded back to raw I420) at the
#          same preset and CRF;
#   ffmpeg: what a user would script: the ffmpeg CLI looping the photo through zoompan
#          (upscaled first, the usual cure for its jitter) and the subtitles filter.
# Prints a Markdown table; ratios are within this run, so a busy machine cancels out.
set -euo pipefail
build=${1:-build}
bench="$build/pitchreel_bench"
work=$(mktemp -d /tmp/pitchreel-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
preset=veryfast
crf=23

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc -l; }

printf '| case | pitchreel wall s | realtime x | peak RSS MB | x264 floor s | render / floor | ffmpeg zoompan s | ffmpeg / render |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- |\n'
declare -A rss
for spec in "30 1080 1920x1080" "30 720 1280x720" "120 1080 1920x1080"; do
  read -r secs height size <<<"$spec"
  dir="$work/${secs}s-${height}"
  json=$("$bench" --seconds "$secs" --height "$height" --preset $preset --crf $crf --dir "$dir")
  wall=$(jq -r .wall_s <<<"$json"); rt=$(jq -r .realtime_x <<<"$json")
  mem=$(jq -r .peak_rss_mb <<<"$json"); frames=$(jq -r .frames <<<"$json")
  rss["$secs-$height"]=$mem
  floor="-"; ratio="-"; ff="-"; ffratio="-"
  if [ "$secs" = 30 ]; then
    ffmpeg -loglevel error -y -i "$dir/out.mp4" -f rawvideo -pix_fmt yuv420p "$dir/raw.yuv"
    t=$(now)
    x264 --quiet --preset $preset --crf $crf --fps 30 --input-res "$size" -o "$dir/floor.264" "$dir/raw.yuv" 2>/dev/null
    floor=$(elapsed "$t"); rm -f "$dir/raw.yuv"
    ratio=$(echo "$wall / $floor" | bc -l)
    w=${size%x*}; h=${size#*x}
    t=$(now)
    ffmpeg -loglevel error -y -i "$dir/product.jpg" -i "$dir/narration.wav" \
      -filter_complex "[0:v]scale=-2:$((h * 4)),zoompan=z='min(zoom+0.0004,1.1)':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=$frames:s=${w}x${h}:fps=30,subtitles=$dir/captions.srt,format=yuv420p[v]" \
      -map "[v]" -map 1:a -frames:v "$frames" -c:v libx264 -preset $preset -crf $crf -c:a aac -movflags +faststart "$dir/ffmpeg.mp4"
    ff=$(elapsed "$t")
    ffratio=$(echo "$ff / $wall" | bc -l)
  fi
  printf '| %ss %sp30 | %.1f | %.2f | %.0f | %s | %s | %s | %s |\n' "$secs" "$height" "$wall" "$rt" "$mem" \
    "$( [ "$floor" = - ] && echo - || printf '%.1f' "$floor")" "$( [ "$ratio" = - ] && echo - || printf '%.2f' "$ratio")" \
    "$( [ "$ff" = - ] && echo - || printf '%.1f' "$ff")" "$( [ "$ffratio" = - ] && echo - || printf '%.2f' "$ffratio")"
  rm -rf "$dir"
done
growth=$(echo "(${rss[120-1080]} / ${rss[30-1080]} - 1) * 100" | bc -l)
printf '\nPeak RSS growth from 30 s to 120 s at 1080p: %.1f%%\n' "$growth"
