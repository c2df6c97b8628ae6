#!/usr/bin/env bash
# Writes a phone camera's photo to OUT: 12 megapixels (3972x2978) of real detail, the dlib
# group photo tiled 2x2 at its own resolution with a little sensor grain, a JPEG of 1.7 MB;
# or, with 48, the same photo at twice its width and height (7944x5956, 5.0 MB), as a
# 48-megapixel phone mode writes. Decoding it is a visible part of a short or 720p render,
# which the benchmarks' own small photos never show (generate_bench.sh's phone cases,
# fixed_costs.sh's "phone", "phone1080" and "phone48").
# Exits 1, writing nothing, when the dlib examples are absent.
#
# Usage: tests/bench/phone_photo.sh OUT.jpg [12|48]
set -euo pipefail
group=/usr/share/doc/libdlib19.1/examples/faces/bald_guys.jpg
[ -f "$group" ] || exit 1
case ${2:-12} in
  12) enlarge="" ;;
  48) enlarge=",scale=7944:5956:flags=lanczos" ;;
  *) echo "phone_photo.sh: megapixels are 12 or 48, not $2" >&2; exit 2 ;;
esac
# Debian's ffmpeg 5.1 aborts on this graph now and then (about one run in fifteen, a heap
# corruption in its filters); every run that finishes writes the same bytes, so a failed
# one is simply run again.
for attempt in 1 2 3 4 5; do
  if ffmpeg -loglevel error -y -i "$group" -i "$group" -filter_complex \
    "[0][1]hstack=inputs=2,split[a][b];[a][b]vstack=inputs=2,crop=3972:2978:0:0,noise=alls=8:allf=u$enlarge" \
    -frames:v 1 -q:v 3 "$1" 2>/dev/null; then
    exit 0
  fi
done
rm -f "$1"
echo "phone_photo.sh: ffmpeg failed to make the photo $attempt times" >&2
exit 1
