#!/usr/bin/env bash
# `make bench`, service part: a real `pitchreel serve` on loopback.
#   1. wrk, 64 connections, an authenticated GET /api/v1/jobs/{id}, against nginx serving a
#      static file of the same size in the same run: throughput ratio and p99 latency;
#   2. submission -> a worker starts the job (status running), p50 over N jobs;
#   3. RSS of an idle server.
# Usage: serve_bench.sh BUILD_DIR [--postgres]
# --postgres: the same on PostgreSQL (a private cluster, started by pitchreel_queue_bench
# --serve-cluster), with the API and the worker as two processes (`--role api` and
# `--role worker`): step 2 is then the hand-off from one node to another through
# LISTEN/NOTIFY, p50 and p99 from the two processes' logs (one machine, one clock). Both
# share one data directory, which is fine for a benchmark of the queue on one machine
# (PITCHREEL_SINGLE_NODE=true); real nodes use STORAGE=s3 (docs/scale-out.md).
set -euo pipefail
build=${1:-build}
mode=${2:-sqlite}
bin="$build/pitchreel"
jobs=${JOBS_SAMPLES:-15}
duration=${WRK_SECONDS:-10}
work=$(mktemp -d /tmp/pitchreel-serve-bench.XXXXXX)
server_pid=""; nginx_pid=""; worker_pid=""; cluster_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$worker_pid" ] && kill "$worker_pid" 2>/dev/null && wait "$worker_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  if [ -n "$cluster_pid" ]; then exec {cluster_in}>&- 2>/dev/null || true; wait "$cluster_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

engine_env=()
api_role=all
if [ "$mode" = "--postgres" ]; then
  # The cluster lives as long as its stdin stays open (a FIFO we hold).
  mkfifo "$work/cluster.in"
  "$build/pitchreel_queue_bench" --serve-cluster <"$work/cluster.in" >"$work/cluster.out" 2>&1 &
  cluster_pid=$!
  exec {cluster_in}>"$work/cluster.in"
  for _ in $(seq 600); do grep -q '^url=' "$work/cluster.out" 2>/dev/null && break; sleep 0.1; done
  db_url=$(sed -n 's/^url=//p' "$work/cluster.out")
  [ -n "$db_url" ] || { echo "PostgreSQL did not start: $(cat "$work/cluster.out")"; exit 1; }
  engine_env=(DATABASE_URL="$db_url" PITCHREEL_DB_SCHEMA="bench_$$" PITCHREEL_SINGLE_NODE=true)
  api_role=api
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

port=$(free_port)
env "${engine_env[@]}" PITCHREEL_LOG_LEVEL=info PITCHREEL_RATE_PER_USER_HOUR=100000 PITCHREEL_RATE_PER_ORG_DAY=100000 \
  "$bin" serve --role "$api_role" --listen "127.0.0.1:$port" --data-dir "$work/data" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 300); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
if [ "$api_role" = api ]; then
  env "${engine_env[@]}" PITCHREEL_LOG_LEVEL=info \
    "$bin" serve --role worker --listen "127.0.0.1:$(free_port)" --data-dir "$work/data" >"$work/worker.out" 2>"$work/worker.err" &
  worker_pid=$!
  for _ in $(seq 300); do grep -q "listening on" "$work/worker.out" 2>/dev/null && break; sleep 0.1; done
else
  : >"$work/worker.err"
fi
key=$(grep -o 'prk_[A-Za-z0-9]*' "$work/serve.out" | head -1)
base="http://127.0.0.1:$port"
sleep 1
idle_rss=$(awk '/VmRSS/ {print $2 / 1024}' "/proc/$server_pid/status")

# A product photo, made on the spot.
ffmpeg -loglevel error -y -f lavfi -i "color=c=0x1f6f8b:s=600x600" -frames:v 1 "$work/product.jpg"
submit() {
  curl -s -X POST -H "Authorization: Bearer $key" -F image=@"$work/product.jpg" \
    -F "script=Fast." -F height=720 "$base/api/v1/jobs" | jq -r .id
}
status_of() { curl -s -H "Authorization: Bearer $key" "$base/api/v1/jobs/$1" | jq -r .status; }

# 2. submission to start, one job at a time so a worker is always free. Measured by the
# servers' own logs: "job queued" (the row is committed; API node) to "job started" (a
# worker has it; the same process, or the worker node with --postgres).
for _ in $(seq "$jobs"); do
  id=$(submit)
  while [ "$(status_of "$id")" != succeeded ]; do sleep 0.05; done
done
read -r p50 p99 < <(python3 - "$work/serve.err" "$work/worker.err" <<'PY2'
import re, sys, datetime
queued, started = {}, {}
for path in sys.argv[1:]:
    for line in open(path):
        m = re.match(r"(\S+) level=info job (queued|started) job_id=(\S+)", line)
        if not m: continue
        t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
        (queued if m.group(2) == "queued" else started).setdefault(m.group(3), t)
d = sorted((started[j] - queued[j]) * 1000 for j in queued if j in started)
print(f"{d[(len(d) - 1) // 2]:.1f} {d[int(0.99 * (len(d) - 1))]:.1f}")
PY2
)

# 1. throughput: the status of a finished job (with its signed video URLs) vs. nginx
# serving a file of the same size.
body="$work/www/job.json"; mkdir -p "$work/www"
curl -s -H "Authorization: Bearer $key" "$base/api/v1/jobs/$id" >"$body"
nginx_port=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  server { listen 127.0.0.1:$nginx_port; root $work/www; location / { default_type application/json; } }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
sleep 0.5
wrk_run() {  # url [header] -> "requests/s p99"
  local out
  if [ $# -gt 1 ]; then out=$(wrk -t2 -c64 -d"${duration}s" --latency -H "$2" "$1"); else out=$(wrk -t2 -c64 -d"${duration}s" --latency "$1"); fi
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  echo "$rps $p99"
}
read -r ours_rps ours_p99 < <(wrk_run "$base/api/v1/jobs/$id" "Authorization: Bearer $key")
read -r nginx_rps nginx_p99 < <(wrk_run "http://127.0.0.1:$nginx_port/job.json")

engine_name=SQLite; [ "$mode" = "--postgres" ] && engine_name="PostgreSQL (API and worker as separate processes)"
echo "Service benchmark ($engine_name): wrk -t2 -c64 -d${duration}s on loopback, $(nproc) cores, job-status body $(stat -c %s "$body") bytes"
echo
echo "| measure | pitchreel | nginx (same-size static file) | ratio |"
echo "| --- | --- | --- | --- |"
printf '| requests/s | %.0f | %.0f | %.2f |\n' "$ours_rps" "$nginx_rps" "$(echo "$ours_rps / $nginx_rps" | bc -l)"
echo "| p99 latency | $ours_p99 | $nginx_p99 | |"
echo
echo "| measure | value | target |"
echo "| --- | --- | --- |"
echo "| submission to a worker starting the job, p50 of $jobs (server logs: queued -> started) | ${p50} ms | < 20 ms |"
echo "| the same, p99 | ${p99} ms | < 100 ms |"
printf '| idle server RSS | %.1f MB | < 50 MB |\n' "$idle_rss"
