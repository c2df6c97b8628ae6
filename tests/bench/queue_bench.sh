#!/usr/bin/env bash
# Queue throughput with no-op jobs (enqueue, claim, complete) on PostgreSQL (a private
# PostgreSQL 15 cluster started by the driver) and SQLite, in one invocation.
# Usage: tests/bench/queue_bench.sh BUILD_DIR [driver options, e.g. --jobs 5000]
set -euo pipefail
build=${1:-build}
shift || true
echo "queue benchmark (no-op jobs: enqueue -> claim -> complete; producers and workers on separate stores)"
"$build/pitchreel_queue_bench" "$@"
