#!/usr/bin/env bash
# `make bench`, S3 part: upload throughput of a 200 MB file to a local S3-compatible server
# (s3rver behind tests/s3's signature-checking gate, on 127.0.0.1) through S3Store, against
# copying the same bytes to the same server with rclone in the same run, both with rclone's
# defaults (one PUT below its 200 MiB cutoff) and with our upload's shape (multipart, 8 MiB
# parts, 4 at a time); and the peak RSS the upload adds. Each command runs REPEAT times
# (default 3), interleaved; medians are shown.
set -euo pipefail
build=${1:-build}
driver="$build/pitchreel_s3_bench"
repeat=${REPEAT:-3}
size_mb=${SIZE_MB:-200}
work=$(mktemp -d /tmp/pitchreel-s3bench.XXXXXX)
gate_pid=""
cleanup() {
  if [ -n "$gate_pid" ]; then kill "$gate_pid" 2>/dev/null || true; wait "$gate_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
now() { date +%s.%N; }

export S3_BUCKET=pitchreel-bench S3_ACCESS_KEY_ID=BENCHKEY S3_SECRET_ACCESS_KEY=bench-secret S3_REGION=us-east-1
mkdir -p "$work/s3"
mkfifo "$work/gate.in"
node tests/s3/s3_gate.js --dir "$work/s3" --bucket "$S3_BUCKET" --access-key "$S3_ACCESS_KEY_ID" \
  --secret "$S3_SECRET_ACCESS_KEY" --region "$S3_REGION" <"$work/gate.in" >"$work/gate.out" 2>"$work/gate.err" &
gate_pid=$!
exec 9>"$work/gate.in"  # keeps the gate's stdin open until this script ends
for _ in $(seq 100); do grep -q port= "$work/gate.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' "$work/gate.out")
export S3_ENDPOINT="http://127.0.0.1:$port"

head -c $((size_mb * 1000 * 1000)) /dev/urandom >"$work/video.mp4"
bytes=$(stat -c %s "$work/video.mp4")
rclone_env=(env -u AWS_CA_BUNDLE RCLONE_CONFIG_B_TYPE=s3 RCLONE_CONFIG_B_PROVIDER=Other
  RCLONE_CONFIG_B_ACCESS_KEY_ID="$S3_ACCESS_KEY_ID" RCLONE_CONFIG_B_SECRET_ACCESS_KEY="$S3_SECRET_ACCESS_KEY"
  RCLONE_CONFIG_B_ENDPOINT="$S3_ENDPOINT" RCLONE_CONFIG_B_REGION="$S3_REGION" RCLONE_CONFIG_B_FORCE_PATH_STYLE=true)

ours=(); theirs=(); theirs_mp=(); growth=()
for ((i = 0; i < repeat; i++)); do
  line=$(env -u AWS_CA_BUNDLE "$driver" "$work/video.mp4" "bench/ours-$i.mp4")
  secs=$(sed -n 's/.*"seconds":\([0-9.e+-]*\).*/\1/p' <<<"$line")
  idle=$(sed -n 's/.*"idle_rss_kb":\([0-9]*\).*/\1/p' <<<"$line")
  peak=$(sed -n 's/.*"peak_rss_kb":\([0-9]*\).*/\1/p' <<<"$line")
  stored=$(sed -n 's/.*"bytes":\([0-9]*\).*/\1/p' <<<"$line")
  [ "$stored" = "$bytes" ] || { echo "stored $stored bytes, expected $bytes" >&2; exit 1; }
  ours+=("$(echo "$bytes / $secs / 1000000" | bc -l)")
  growth+=("$(echo "($peak - $idle) / 1024" | bc -l)")
  start=$(now)
  "${rclone_env[@]}" rclone --config /dev/null copyto "$work/video.mp4" "b:$S3_BUCKET/bench/rclone-$i.mp4"
  theirs+=("$(echo "$bytes / ($(now) - $start) / 1000000" | bc -l)")
  start=$(now)
  "${rclone_env[@]}" rclone --config /dev/null --s3-upload-cutoff 8Mi --s3-chunk-size 8Mi \
    --s3-upload-concurrency 4 copyto "$work/video.mp4" "b:$S3_BUCKET/bench/rclone-mp-$i.mp4"
  theirs_mp+=("$(echo "$bytes / ($(now) - $start) / 1000000" | bc -l)")
done
ours_mbs=$(median "${ours[@]}")
theirs_mbs=$(median "${theirs[@]}")
theirs_mp_mbs=$(median "${theirs_mp[@]}")
rss=$(median "${growth[@]}")
echo "S3 upload benchmark: ${size_mb} MB file to s3rver on 127.0.0.1 (through the SigV4 gate), medians of $repeat runs, $(nproc) cores"
echo
echo "| case | pitchreel MB/s | rclone MB/s | pitchreel / rclone | peak RSS above idle MB |"
echo "| --- | --- | --- | --- | --- |"
printf '| %s MB, rclone defaults (single PUT) | %.1f | %.1f | %.2fx | %.1f |\n' "$size_mb" "$ours_mbs" \
  "$theirs_mbs" "$(echo "$ours_mbs / $theirs_mbs" | bc -l)" "$rss"
printf '| %s MB, rclone multipart 8 MiB x 4 | %.1f | %.1f | %.2fx | |\n' "$size_mb" "$ours_mbs" \
  "$theirs_mp_mbs" "$(echo "$ours_mbs / $theirs_mp_mbs" | bc -l)"
