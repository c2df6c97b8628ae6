#!/usr/bin/env bash
# Where the milliseconds of one frame go: one whole `pitchreel generate` run under
# `perf record -F 999`, its samples attributed by shared object and function to the parts
# of the pipeline, printed as CPU milliseconds per frame, all threads together (the README's
# table "Where the milliseconds of one frame go"). A profiling aid, not part of `make bench`:
# it needs perf (Debian package linux-perf), which the install script does not install.
#
# Usage: tests/bench/frame_ms.sh BIN [generate options]
#   e.g. tests/bench/frame_ms.sh build/pitchreel
#        tests/bench/frame_ms.sh build/pitchreel --avatar ../shared/testdata/portraits/painted-girl.jpg --layout presenter
# The photo (the cars of libdlib19.1's examples), 16:9, 1080p, veryfast CRF 23 and the
# 30-second benchmark script are the README's; options given are added to them. PHOTO=path,
# ASPECT=9:16 and HEIGHT=720 change the photo, the shape and the height (the command takes
# each option once).
set -euo pipefail
command -v perf >/dev/null || { echo "frame_ms.sh needs perf (apt-get install linux-perf)" >&2; exit 1; }
bin=$(realpath "$1")
shift
here=$(cd "$(dirname "$0")" && pwd)
photo=${PHOTO:-/usr/share/doc/libdlib19.1/examples/mmod_cars_test_image.jpg}
aspect=${ASPECT:-16:9}
height=${HEIGHT:-1080}
# The 30-second script of generate_bench.sh.
script=$(cat "$here/script-30s.txt")
work=$(mktemp -d /tmp/pitchreel-frame-ms.XXXXXX)
trap 'rm -rf "$work"' EXIT
if ! perf record -q -F 999 -o "$work/perf.data" "$bin" generate --image "$photo" --script "$script" \
  --aspect "$aspect" --height "$height" --preset veryfast --crf 23 -o "$work/out.mp4" "$@" \
  >/dev/null 2>"$work/stderr"; then
  echo "frame_ms.sh: generate failed:" >&2
  cat "$work/stderr" >&2
  exit 1
fi
frames=$(ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets \
  -of csv=p=0 "$work/out.mp4")
perf report -i "$work/perf.data" --no-children --sort dso,sym -g none -F overhead,sample,dso,sym \
  --stdio 2>/dev/null | grep -v '^#' | grep '%' | awk -v frames="$frames" '
{ n = $2; dso = $3; sym = ""; for (i = 5; i <= NF; i++) sym = sym " " $i
  c = "libc, OpenCV, other libraries, start-up"
  if (dso ~ /libx264/) c = "x264, all its threads"
  else if (dso ~ /libavcodec|libswresample/ || sym ~ /cbrtf|llround|scalbnf|log2f|__logf|cos_fma/) c = "AAC encoding"
  else if (dso ~ /ebur128/ || sym ~ /limit_peaks|segment_peak|normalize_loudness|measure_limited|gain_and_limit|limited_chunk/) c = "narration loudness"
  else if (sym ~ /HorizontalFilter|blend_rows|resample_scale_translate|taps|KenBurns/) c = "camera move"
  else if (sym ~ /Caption|blend_premultiplied|fade_to_black/ || dso ~ /libass|freetype|harfbuzz|fribidi/) c = "captions, title, fade"
  else if (sym ~ /row_avx2|span_of|row_spans|steps_avx2|steps_scalar|fill_line|MeshWarp|pieces|Piece|sample_row/) c = "the presenter'"'"'s head warp"
  else if (sym ~ /MouthInterior|pointPolygonTest|getRectSubPix|lift_rim|opening_mask/) c = "the presenter'"'"'s mouth interior"
  else if (sym ~ /dlib|filebuf|streambuf/) c = "reading the landmark model"
  else if (dso ~ /kernel/) c = "kernel (page faults, scheduling, file I/O)"
  s[c] += n; t += n }
END { for (c in s) printf "| %s | %.2f |\n", c, s[c] / 999 * 1000 / frames
      printf "| **total** | **%.2f** |\n", t / 999 * 1000 / frames }' | sort -t'|' -k3 -gr
echo "($frames frames; CPU ms per frame, all threads)"
