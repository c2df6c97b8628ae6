#!/usr/bin/env bash
# What a build change saves per `pitchreel generate`: two builds run on the same inputs,
# interleaved round by round so that the host's drift falls on both alike; medians of
# /usr/bin/time's wall time and CPU time (user + system) per case. By default on a
# 2-second script, so that the fixed costs show (start-up, the scene's set-up before the
# first frame, the poster after the last); with SCRIPT_FILE on any other, e.g. the
# 30-second benchmark script for a per-frame change. The cases are generate_bench.sh's
# photos, shapes and heights, and the presenter. A profiling aid, not part of `make bench`
# (docs/benchmarks.md, "Time saved per generate").
#
# Usage: tests/bench/fixed_costs.sh OLD_BIN NEW_BIN
#   ROUNDS=N          rounds (default 8)
#   CASES="a b"       only these cases (cars dogs child group presenter phone phone1080
#                     phone48 pip-painted pip-marble pip-pencil pip-rendered new-pip;
#                     phone is phone_photo.sh's 12-megapixel photo at 16:9 720p,
#                     phone1080 the same at 9:16 1080p, phone48 its 48-megapixel one at
#                     16:9 1080p; pip-* the cars photo at 16:9 1080p in the pip layout
#                     with each portrait of ../shared/testdata/portraits, new-pip the
#                     pencil sketch with PITCHREEL_CACHE_DIR=off: its face found anew;
#                     audio120 the cars photo at 16:9 1080p with long_narration.sh's
#                     120 s recording, music the same with the script and a 40 s music
#                     bed of two tones, 44.1 kHz stereo, song the same as a 4-minute
#                     192 kb/s MP3: a song's length under a 30 s video)
#   SCRIPT_FILE=path  the script to speak (default: "Meet the Aurora bottle.")
#   OLD_ENV="K=V ..." / NEW_ENV="K=V ..."  settings for one side's runs only, e.g. one build
#                     both sides and NEW_ENV=PITCHREEL_X264_THREADING=full
set -euo pipefail
# shellcheck disable=SC2034  # old, new and their _env are read as ${!build} and ${!side_env}
old=$(realpath "$1")
# shellcheck disable=SC2034
new=$(realpath "$2")
rounds=${ROUNDS:-8}
only=${CASES:-}
script_args=(--script "Meet the Aurora bottle.")
[ -n "${SCRIPT_FILE:-}" ] && script_args=(--script-file "$(realpath "$SCRIPT_FILE")")
here=$(cd "$(dirname "$0")" && pwd)
testdata=${TESTDATA:-$here/../../../shared/testdata}
dlib=/usr/share/doc/libdlib19.1/examples
work=$(mktemp -d /tmp/pitchreel-fixed-costs.XXXXXX)
trap 'rm -rf "$work"' EXIT
# name | photo | height | aspect | extra options | the case's environment
portrait=$testdata/portraits
cases=(
  "cars|$dlib/mmod_cars_test_image.jpg|1080|16:9|"
  "dogs|$dlib/faces/dogs.jpg|1080|9:16|"
  "child|$dlib/faces/2009_004587.jpg|720|16:9|"
  "group|$dlib/faces/bald_guys.jpg|720|9:16|"
  "presenter|$dlib/mmod_cars_test_image.jpg|1080|16:9|--avatar $testdata/portraits/painted-girl.jpg --layout presenter"
  "phone|$work/phone-12mp.jpg|720|16:9|"
  "phone1080|$work/phone-12mp.jpg|1080|9:16|"
  "phone48|$work/phone-48mp.jpg|1080|16:9|"
  "pip-painted|$dlib/mmod_cars_test_image.jpg|1080|16:9|--avatar $portrait/painted-girl.jpg --layout pip"
  "pip-marble|$dlib/mmod_cars_test_image.jpg|1080|16:9|--avatar $portrait/marble-statue.jpg --layout pip"
  "pip-pencil|$dlib/mmod_cars_test_image.jpg|1080|16:9|--avatar $portrait/pencil-sketch.jpg --layout pip"
  "pip-rendered|$dlib/mmod_cars_test_image.jpg|1080|16:9|--avatar $portrait/rendered-3d.jpg --layout pip"
  "new-pip|$dlib/mmod_cars_test_image.jpg|1080|16:9|--avatar $portrait/pencil-sketch.jpg --layout pip|PITCHREEL_CACHE_DIR=off"
  "audio120|$dlib/mmod_cars_test_image.jpg|1080|16:9|--audio $work/narration-120.wav"
  "music|$dlib/mmod_cars_test_image.jpg|1080|16:9|--music $work/music.wav"
  "song|$dlib/mmod_cars_test_image.jpg|1080|16:9|--music $work/song.mp3"
)
bash "$here/phone_photo.sh" "$work/phone-12mp.jpg" || true
# The 48-megapixel one (1.6 s to make) only when its case runs.
if [ -z "$only" ] || grep -qw -- "phone48" <<<"$only"; then
  bash "$here/phone_photo.sh" "$work/phone-48mp.jpg" 48 || true
fi
if [ -z "$only" ] || grep -qw -- "audio120" <<<"$only"; then
  bash "$here/long_narration.sh" "$work/narration-120.wav" "$testdata" || true
fi
if [ -z "$only" ] || grep -qw -- "music" <<<"$only"; then
  ffmpeg -loglevel error -y -f lavfi -i "sine=frequency=220:duration=40" -f lavfi \
    -i "sine=frequency=3300:duration=40" -filter_complex "amix=inputs=2,aformat=sample_rates=44100:channel_layouts=stereo" \
    "$work/music.wav"
fi
if [ -z "$only" ] || grep -qw -- "song" <<<"$only"; then
  ffmpeg -loglevel error -y -f lavfi -i "sine=frequency=220:duration=240" -f lavfi \
    -i "sine=frequency=3300:duration=240" -filter_complex "amix=inputs=2,aformat=sample_rates=44100:channel_layouts=stereo" \
    -c:a libmp3lame -b:a 192k "$work/song.mp3"
fi
selected=()
for c in "${cases[@]}"; do
  if [ -z "$only" ] || grep -qw -- "${c%%|*}" <<<"$only"; then selected+=("$c"); fi
done
# shellcheck disable=SC2034
read -r -a old_env <<<"${OLD_ENV:-}"
# shellcheck disable=SC2034
read -r -a new_env <<<"${NEW_ENV:-}"
for ((i = 0; i < rounds; i++)); do
  for build in old new; do
    bin=${!build}
    side_env="${build}_env[@]"
    for c in "${selected[@]}"; do
      IFS='|' read -r name photo height aspect extra case_env <<<"$c"
      # shellcheck disable=SC2086  # extra holds whole options, case_env whole settings
      env "${!side_env}" $case_env /usr/bin/time -f "$name $build %e %U %S %M" -a -o "$work/times.txt" "$bin" generate \
        --image "$photo" --height "$height" --aspect "$aspect" $extra "${script_args[@]}" \
        -o "$work/out.mp4" >/dev/null 2>&1
    done
  done
done
echo "| case | before | after | saved | CPU before | CPU after | CPU saved | RSS before | RSS after | RSS max before | RSS max after |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for c in "${selected[@]}"; do
  name=${c%%|*}
  # values BUILD FIELD: field 3 (wall), fields 4 + 5 (CPU) or field 6 (peak RSS, KB) of
  # every round, in order; med and most: their median and their largest.
  values() { grep "^$name $1 " "$work/times.txt" |
    awk -v f="$2" '{print f == "wall" ? $3 : f == "cpu" ? $4 + $5 : $6}' | sort -g; }
  med() { values "$@" | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
  most() { values "$@" | tail -1; }
  awk -v n="$name" -v a="$(med old wall)" -v b="$(med new wall)" -v ca="$(med old cpu)" \
    -v cb="$(med new cpu)" -v ra="$(med old rss)" -v rb="$(med new rss)" \
    -v xa="$(most old rss)" -v xb="$(most new rss)" \
    'BEGIN {printf "| %s | %.3f s | %.3f s | %.0f ms | %.2f s | %.2f s | %.0f ms | %.0f MB | %.0f MB | %.1f MB | %.1f MB |\n",
      n, a, b, (a - b) * 1000, ca, cb, (ca - cb) * 1000, ra / 1024, rb / 1024, xa / 1024, xb / 1024}'
done
echo "($rounds rounds, medians)"
