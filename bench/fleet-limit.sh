#!/usr/bin/env bash
# The fleet-wide global limit against a real redis-server: Redis on core 1 (another host's
# role), the benchmark on core 0. Writes OUT_DIR/fleet.json (read by bench/summarize.py).
#
#   bench/fleet-limit.sh [BUILD_DIR] [OUT_DIR]     (defaults build/release, bench/results)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
OUT=${2:-$ROOT/bench/results}
REPS=${REPS:-3}
WORK=$(mktemp -d -t rampart-fleet-bench-XXXXXX)
REDIS_PID=
cleanup() {
    [[ -n "$REDIS_PID" ]] && kill "$REDIS_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$OUT"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
taskset -c 1 redis-server --bind 127.0.0.1 --port "$PORT" --save '' --appendonly no \
    --dir "$WORK" --daemonize no >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 1 100); do redis-cli -p "$PORT" PING >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$PORT" PING >/dev/null || { echo "redis-server did not start" >&2; cat "$WORK/redis.log" >&2; exit 1; }

RAMPART_BENCH_REDIS="127.0.0.1:$PORT" taskset -c 0 "$BUILD/bench/rampart-bench-fleet" \
    --benchmark_format=json --benchmark_out="$OUT/fleet.json" --benchmark_repetitions="$REPS" \
    --benchmark_report_aggregates_only=true >/dev/null
echo "fleet: $OUT/fleet.json"
