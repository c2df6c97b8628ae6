#!/usr/bin/env bash
# `make bench`, queue-draining part: N queued 15-second 720p jobs through a real
# `pitchreel serve` on loopback (PITCHREEL_WORKERS=1, then 2), against N sequential
# `pitchreel generate` runs of the same photo and script, in one invocation.
#   sequential: N generate processes one after another (what a shell loop would do);
#   serve:      N submissions posted at once, timed from the first POST until the last
#               job reads succeeded (server start-up excluded; the jobs also store the
#               video, poster and captions and publish their progress, as in production).
# The configurations run one after another in each round (REPEAT rounds, default 1),
# so a busy machine slows all of them alike; the table shows medians and ratios.
#
# Usage: tests/bench/drain_bench.sh BUILD_DIR    (JOBS=N, default 20; WORKERS="1 2")
set -euo pipefail
for tool in curl jq ffmpeg; do
  command -v "$tool" >/dev/null || { echo "drain_bench.sh needs $tool (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
build=${1:-build}
bin=$(realpath "$build/pitchreel")
jobs=${JOBS:-20}
repeat=${REPEAT:-1}
workers_list=${WORKERS:-1 2}
work=$(mktemp -d /tmp/pitchreel-drain-bench.XXXXXX)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT

photo=/usr/share/doc/libdlib19.1/examples/mmod_cars_test_image.jpg
if [ ! -f "$photo" ]; then  # no dlib examples: a photo made on the spot
  photo="$work/product.jpg"
  ffmpeg -loglevel error -y -f lavfi -i "testsrc2=s=900x600" -frames:v 1 "$photo"
fi
# About 15 seconds with the default voice.
script="${SCRIPT:-Meet the Aurora bottle, the companion for every trip. It keeps drinks cold for a whole \
day and hot for twelve hours, thanks to its double walled steel. The lid never leaks, and it \
fits every cup holder.}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

run_sequential() {
  local t0 out="$work/seq"
  mkdir -p "$out"
  t0=$(now)
  for ((j = 0; j < jobs; j++)); do
    "$bin" generate --image "$photo" --script "$script" --height 720 -o "$out/$j.mp4" >/dev/null
  done
  echo "$(now) - $t0" | bc -l
  rm -rf "$out"
}

run_serve() {  # workers
  local port data="$work/data-$1" t0 key base ids=() pending
  rm -rf "$data"
  port=$(free_port)
  PITCHREEL_WORKERS=$1 PITCHREEL_LOG_LEVEL=warn PITCHREEL_RATE_PER_USER_HOUR=100000 \
    PITCHREEL_RATE_PER_ORG_DAY=100000 \
    "$bin" serve --listen "127.0.0.1:$port" --data-dir "$data" >"$work/serve.out" 2>"$work/serve.err" &
  server_pid=$!
  for _ in $(seq 300); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
  key=$(grep -o 'prk_[A-Za-z0-9]*' "$work/serve.out" | head -1)
  [ -n "$key" ] || { echo "serve did not start: $(cat "$work/serve.err")" >&2; exit 1; }
  base="http://127.0.0.1:$port"
  t0=$(now)
  for ((j = 0; j < jobs; j++)); do
    ids+=("$(curl -sf -X POST -H "Authorization: Bearer $key" -F image=@"$photo" \
      -F "script=$script" -F height=720 "$base/api/v1/jobs" | jq -r .id)")
    case ${ids[-1]} in "" | null) echo "a job submission failed: $(tail -3 "$work/serve.err")" >&2; exit 1 ;; esac
  done
  # Jobs start in submission order: wait on the last one (one request every half second,
  # so that the poller takes no CPU from the renders), then check them all.
  local last=${ids[-1]} status
  while :; do
    status=$(curl -sf -H "Authorization: Bearer $key" "$base/api/v1/jobs/$last" | jq -r .status)
    case $status in
      succeeded) ;;
      failed | canceled) echo "job $last $status" >&2; exit 1 ;;
      *) sleep 0.5; continue ;;
    esac
    pending=0
    for id in "${ids[@]}"; do
      status=$(curl -sf -H "Authorization: Bearer $key" "$base/api/v1/jobs/$id" | jq -r .status)
      [ "$status" = succeeded ] || pending=1
    done
    [ $pending -eq 0 ] && break
    sleep 0.5
  done
  echo "$(now) - $t0" | bc -l
  stop_server
}

declare -A times
for ((r = 0; r < repeat; r++)); do
  times[seq]+="$(run_sequential) "
  for w in $workers_list; do times[w$w]+="$(run_serve "$w") "; done
done
# shellcheck disable=SC2086
seq_s=$(median ${times[seq]})
echo "Queue draining: $jobs queued 15-second 720p jobs, $(nproc) cores, medians of $repeat round(s),"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| how | total s | per job s | / sequential generate |"
echo "| --- | --- | --- | --- |"
printf '| %d sequential `pitchreel generate` | %.1f | %.2f | 1.00 |\n' "$jobs" "$seq_s" "$(echo "$seq_s / $jobs" | bc -l)"
for w in $workers_list; do
  # shellcheck disable=SC2086
  s=$(median ${times[w$w]})
  printf '| `pitchreel serve`, PITCHREEL_WORKERS=%d | %.1f | %.2f | %.2f |\n' "$w" "$s" "$(echo "$s / $jobs" | bc -l)" "$(echo "$s / $seq_s" | bc -l)"
done
