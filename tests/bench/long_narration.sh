#!/usr/bin/env bash
# Writes a 120-second recorded narration to OUT.wav: the test speeches of
# ../shared/testdata/speech one after another, looped to 120 s, 48 kHz mono (the peak-RSS
# case of a long video: generate_bench.sh's "audio-120s", fixed_costs.sh's "audio120").
# Exits 1, writing nothing, when the speeches are absent.
#
# Usage: tests/bench/long_narration.sh OUT.wav [TESTDATA]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
testdata=${2:-$here/../../../shared/testdata}
speech=("$testdata"/speech/speech-*.wav)
[ -f "${speech[0]}" ] || exit 1
inputs=()
for s in "${speech[@]}"; do inputs+=(-i "$s"); done
ffmpeg -loglevel error -y "${inputs[@]}" -filter_complex \
  "concat=n=${#speech[@]}:v=0:a=1,aformat=sample_rates=48000:channel_layouts=mono,aloop=loop=-1:size=2e9,atrim=0:120[a]" \
  -map "[a]" "$1"
