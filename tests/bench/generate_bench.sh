#!/usr/bin/env bash
# `make bench`, whole-command part: the `pitchreel generate` process timed start to exit, as
# a user runs it, on real photos of different sizes and shapes, against two references on
# the very same inputs, interleaved in one run:
#   floor:  ffmpeg (libx264, default threading, same preset and CRF) encoding the very
#           frames that generate composed, dumped once as YUV4MPEG2 (PITCHREEL_DUMP_Y4M);
#   script: the usual ffmpeg script on the same photo and narration: the photo letterboxed
#           into a 4x canvas (zoompan's usual cure for its jitter), zoompan, the captions
#           burned with the subtitles filter, AAC, faststart.
# Each case runs REPEAT times (default 3), the three commands one after another in every
# round, so a busy machine slows all of them alike; the table shows medians of each and
# the median of the per-round ratios. Peak RSS is /usr/bin/time's maximum resident size.
#
# Usage: tests/bench/generate_bench.sh BUILD_DIR
#   REPEAT=N        rounds per case (default 3)
#   CASES="a b"     only these cases (names in the table's first column; audio-120s,
#                   photo-12mp and new-presenter are the peak-RSS-only cases at the end)
#   REFERENCE=BIN   another build's pitchreel (e.g. before an optimisation): each case's
#                   composed frames are compared with its frames (PSNR, ffmpeg's psnr
#                   filter on the raw frames, before x264), and the table says by how much
#   PITCHREEL_X264_THREADING=full  x264's own threading above 720p too (docs/configuration.md):
#                   pitchreel's runs read it; the floor keeps ffmpeg's default threading
# Product photos come from the dlib examples that libdlib19.1 installs, the portrait and
# speech from ../shared/testdata; a case whose input is absent is skipped with a note.
set -euo pipefail
for tool in /usr/bin/time bc ffmpeg; do
  command -v "$tool" >/dev/null || { echo "generate_bench.sh needs $tool (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
build=${1:-build}
bin=$(realpath "$build/pitchreel")
repeat=${REPEAT:-3}
only=${CASES:-}
preset=veryfast
crf=23
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
testdata=${TESTDATA:-$root/../shared/testdata}
dlib=/usr/share/doc/libdlib19.1/examples
work=$(mktemp -d /tmp/pitchreel-generate-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The 30-second script (about 31 s with the default voice; tests/bench/script-30s.txt, which
# frame_ms.sh reads too, and fixed_costs.sh with SCRIPT_FILE); SCRIPT=... for a quick check.
script="${SCRIPT:-$(cat "$here/script-30s.txt")}"

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
fmt() { printf "%.${2:-2}f" "$1"; }
div() { echo "$1 / $2" | bc -l; }
# Runs a command under /usr/bin/time; prints "wall_s peak_rss_mb cpu_s" (cpu: user + sys).
timed() {
  /usr/bin/time -f '%e %M %U %S' -o "$work/time.txt" "$@" >/dev/null 2>"$work/cmd.err" || {
    echo "command failed: $*" >&2; cat "$work/cmd.err" >&2; exit 1; }
  awk '{printf "%s %.1f %.2f\n", $1, $2 / 1024, $3 + $4}' "$work/time.txt"
}
dims() { ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=s=x:p=0 "$1"; }
frame_size() {  # aspect height -> WxH
  local h=$2
  case $1 in 16:9) echo "$((h * 16 / 9))x$h" ;; 9:16) echo "${h}x$((h * 16 / 9))" ;; *) echo "${h}x$h" ;; esac
}

run_script() {  # dir photo WxH frames
  local w=${3%x*} h=${3#*x}
  local bw=$((w * 4)) bh=$((h * 4))
  ffmpeg -loglevel error -y -i "$2" -i "$1/narration.wav" -filter_complex \
    "[0:v]scale=$bw:$bh:force_original_aspect_ratio=decrease,pad=$bw:$bh:(ow-iw)/2:(oh-ih)/2,setsar=1,zoompan=z='min(zoom+0.0004,1.1)':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=$4:s=${w}x$h:fps=30,subtitles=$1/captions.srt,format=yuv420p[v]" \
    -map "[v]" -map 1:a -frames:v "$4" -c:v libx264 -preset $preset -crf $crf -c:a aac \
    -movflags +faststart "$1/script.mp4"
}
run_floor() {  # dir
  ffmpeg -loglevel error -y -i "$1/frames.y4m" -c:v libx264 -preset $preset -crf $crf \
    -movflags +faststart "$1/floor.mp4"
}

export -f run_script run_floor
export preset crf

# A phone camera's 12-megapixel photo, and the same at 48 megapixels (phone_photo.sh), made
# once.
phone="$work/phone-12mp.jpg"
bash "$here/phone_photo.sh" "$phone" || true
# The 48-megapixel one (1.6 s to make) only when its case runs.
phone48="$work/phone-48mp.jpg"
if [ -z "$only" ] || grep -qw -- "phone48-16x9-1080" <<<"$only"; then
  bash "$here/phone_photo.sh" "$phone48" 48 || true
fi

# name | photo | aspect | height | extra generate options (no spaces inside one option)
cases=(
  "cars-16x9-1080|$dlib/mmod_cars_test_image.jpg|16:9|1080|"
  "dogs-9x16-1080|$dlib/faces/dogs.jpg|9:16|1080|"
  "child-16x9-720|$dlib/faces/2009_004587.jpg|16:9|720|"
  "group-9x16-720|$dlib/faces/bald_guys.jpg|9:16|720|"
  "phone-16x9-720|$phone|16:9|720|"
  "phone-9x16-1080|$phone|9:16|1080|"
  "phone48-16x9-1080|$phone48|16:9|1080|"
  "presenter-16x9-1080|$dlib/mmod_cars_test_image.jpg|16:9|1080|--avatar $testdata/portraits/painted-girl.jpg --layout presenter"
  "pip-16x9-1080|$dlib/mmod_cars_test_image.jpg|16:9|1080|--avatar $testdata/portraits/painted-girl.jpg --layout pip"
)

echo "Whole-command benchmark: pitchreel generate vs the x264 floor (ffmpeg, same frames) and the"
echo "ffmpeg zoompan + subtitles script; x264 $preset, CRF $crf, medians of $repeat rounds, $(nproc) cores,"
echo "PITCHREEL_X264_THREADING=${PITCHREEL_X264_THREADING:-lean} (docs/configuration.md);" \
  "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| case | photo | generate s | floor s | generate / floor (per round) | CPU: generate / floor | script s | script / generate | peak RSS MB |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for spec in "${cases[@]}"; do
  IFS='|' read -r name photo aspect height extra <<<"$spec"
  if [ -n "$only" ] && ! grep -qw -- "$name" <<<"$only"; then continue; fi
  # shellcheck disable=SC2206
  extra_args=($extra)
  missing=""
  for f in "$photo" ${extra_args[@]+"${extra_args[@]}"}; do
    case $f in /*) [ -f "$f" ] || missing=$f ;; esac
  done
  if [ -n "$missing" ]; then echo "| $name | ($missing is absent: skipped) | | | | | | |"; continue; fi
  dir="$work/$name"
  mkdir -p "$dir"
  gen=("$bin" generate --image "$photo" --script "$script" --aspect "$aspect" --height "$height"
       --preset $preset --crf $crf ${extra_args[@]+"${extra_args[@]}"})
  # Once, untimed: the frames for the floor, the narration and captions for the script.
  PITCHREEL_DUMP_Y4M="$dir/frames.y4m" "${gen[@]}" -o "$dir/prep.mp4" >/dev/null
  ffmpeg -loglevel error -y -i "$dir/prep.mp4" -vn -c:a pcm_s16le "$dir/narration.wav"
  cp "$dir/prep.srt" "$dir/captions.srt"
  psnr=""
  if [ -n "${REFERENCE:-}" ]; then
    ref=("$REFERENCE" "${gen[@]:1}")
    PITCHREEL_DUMP_Y4M="$dir/reference.y4m" "${ref[@]}" -o "$dir/reference.mp4" >/dev/null
    psnr=$(ffmpeg -hide_banner -i "$dir/frames.y4m" -i "$dir/reference.y4m" -lavfi psnr -f null - 2>&1 |
      grep -o 'average:[^ ]*' | cut -d: -f2)
    rm -f "$dir/reference.y4m"
    psnr=" (PSNR against REFERENCE: $psnr dB)"
  fi
  # The dumped frames (1.3-2.8 GB) go to disk now, not while a timed command runs: left to
  # the kernel's write-back (30 s later) they landed on whichever round was running then.
  sync "$dir/frames.y4m"
  frames=$(ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$dir/prep.mp4")
  size=$(frame_size "$aspect" "$height")
  gens=(); floors=(); scripts=(); rsses=(); r_floor=(); r_script=(); r_cpu=()
  for ((i = 0; i < repeat; i++)); do
    read -r g rss gcpu <<<"$(timed "${gen[@]}" -o "$dir/out.mp4")"
    read -r f _ fcpu <<<"$(timed bash -c 'run_floor "$@"' _ "$dir")"
    gens+=("$g"); rsses+=("$rss"); floors+=("$f"); r_floor+=("$(div "$g" "$f")")
    r_cpu+=("$(div "$gcpu" "$fcpu")")
    if [ -z "$extra" ]; then
      read -r s _ _ <<<"$(timed bash -c 'run_script "$@"' _ "$dir" "$photo" "$size" "$frames")"
      scripts+=("$s"); r_script+=("$(div "$s" "$g")")
    fi
  done
  row="| $name | $(basename "$photo") $(dims "$photo") | $(fmt "$(median "${gens[@]}")") | $(fmt "$(median "${floors[@]}")") | $(fmt "$(median "${r_floor[@]}")")x ($(printf '%s ' "${r_floor[@]}" | xargs printf '%.2f ' | sed 's/ $//')) | $(fmt "$(median "${r_cpu[@]}")")x"
  if [ ${#scripts[@]} -gt 0 ]; then
    row+=" | $(fmt "$(median "${scripts[@]}")") | $(fmt "$(median "${r_script[@]}")")x"
  else
    row+=" | - | -"
  fi
  echo "$row | $(fmt "$(median "${rsses[@]}")" 0) |$psnr"
  rm -rf "$dir"
done

# Peak memory with a recorded narration of 120 s (--audio) at 1080p, beside the 30 s case.
if [ -z "$only" ] || grep -qw -- "audio-120s" <<<"$only"; then
  dir="$work/audio"
  mkdir -p "$dir"
  if [ -f "$dlib/mmod_cars_test_image.jpg" ] &&
    bash "$root/tests/bench/long_narration.sh" "$dir/narration-120.wav" "$testdata"; then
    rsses=()
    for ((i = 0; i < repeat; i++)); do
      read -r _ rss _ <<<"$(timed "$bin" generate --image "$dlib/mmod_cars_test_image.jpg" \
        --audio "$dir/narration-120.wav" --script "$script" --height 1080 -o "$dir/out.mp4")"
      rsses+=("$rss")
    done
    echo
    echo "Peak RSS, 1080p, a 120 s recorded narration (--audio): $(fmt "$(median "${rsses[@]}")" 0) MB (runs: ${rsses[*]})"
    rm -rf "$dir"
  else
    echo "(the 120 s --audio case skipped: $testdata/speech is absent)"
  fi
fi
# Peak memory with a phone camera's 12-megapixel photo (phone_photo.sh's) at 1080p, alone
# and with the presenter (at 1080p it is decoded at half size: ImageLoadOptions::drawn_side).
if [ -z "$only" ] || grep -qw -- "photo-12mp" <<<"$only"; then
  if [ -f "$phone" ]; then
    for layout in showcase presenter; do
      extra=()
      if [ $layout = presenter ]; then
        [ -f "$testdata/portraits/painted-girl.jpg" ] || continue
        extra=(--avatar "$testdata/portraits/painted-girl.jpg" --layout presenter)
      fi
      rsses=()
      for ((i = 0; i < repeat; i++)); do
        read -r _ rss _ <<<"$(timed "$bin" generate --image "$phone" --script "$script" \
          --height 1080 "${extra[@]}" -o "$work/photo12.mp4")"
        rsses+=("$rss")
      done
      echo "Peak RSS, 1080p, a 12-megapixel photo, $layout: $(fmt "$(median "${rsses[@]}")" 0) MB (runs: ${rsses[*]})"
    done
  fi
fi
# Peak memory of a first video with a new presenter at 1080p: the face cache off, so the
# landmark model is read (the cases above find the portrait's face in the cache).
if [ -z "$only" ] || grep -qw -- "new-presenter" <<<"$only"; then
  if [ -f "$dlib/mmod_cars_test_image.jpg" ] && [ -f "$testdata/portraits/painted-girl.jpg" ]; then
    rsses=()
    for ((i = 0; i < repeat; i++)); do
      read -r _ rss _ <<<"$(PITCHREEL_CACHE_DIR=off timed "$bin" generate \
        --image "$dlib/mmod_cars_test_image.jpg" --script "$script" --height 1080 \
        --avatar "$testdata/portraits/painted-girl.jpg" --layout presenter -o "$work/new.mp4")"
      rsses+=("$rss")
    done
    echo "Peak RSS, 1080p, a new presenter (the face not in the cache): $(fmt "$(median "${rsses[@]}")" 0) MB (runs: ${rsses[*]})"
  fi
fi
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
