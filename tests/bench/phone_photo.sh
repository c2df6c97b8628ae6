#!/usr/bin/env bash
# Writes a phone camera's photo to OUT: 12 megapixels (3972x2978) of real detail, the dlib
# group photo tiled 2x2 at its own resolution with a little sensor grain, a JPEG of 1.7 MB.
# Decoding it is a visible part of a short or 720p render, which the benchmarks' own small
# photos never show (generate_bench.sh's phone cases, fixed_costs.sh's "phone").
# Exits 1, writing nothing, when the dlib examples are absent.
#
# Usage: tests/bench/phone_photo.sh OUT.jpg
set -euo pipefail
group=/usr/share/doc/libdlib19.1/examples/faces/bald_guys.jpg
[ -f "$group" ] || exit 1
ffmpeg -loglevel error -y -i "$group" -i "$group" -filter_complex \
  "[0][1]hstack=inputs=2,split[a][b];[a][b]vstack=inputs=2,crop=3972:2978:0:0,noise=alls=8:allf=u" \
  -frames:v 1 -q:v 3 "$1"
