#!/usr/bin/env bash
# Runs every benchmark and writes BENCHMARKS.md. Each comparison is measured in the same run as
# its baseline, interleaved and repeated, and reported as medians and ratios, because a shared
# 2-core machine is noisy. Servers are pinned to core 0 and load clients to core 1.
#
#   bench/run-benchmarks.sh [BUILD_DIR]     (default build/release)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
REPS=${REPS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
OUT="$ROOT/bench/results"
WORK=$(mktemp -d -t rampart-bench-XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.jsonl "$OUT"/*.txt  # this run only: the medians must not mix runs

CTL="$BUILD/app/rampartctl"
SERVER_CPU=0
CLIENT_CPU=1

echo "== machine"
{
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
    echo "cores: $(nproc)"
    echo "kernel: $(uname -r)"
    echo "openssl: $(openssl version)"
    echo "grpc: $(dpkg-query -W -f='${Version}' libgrpc++-dev 2>/dev/null)"
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

echo "== in-process verification vs openssl speed (interleaved, $REPS rounds)"
for rep in $(seq 1 "$REPS"); do
    taskset -c $SERVER_CPU openssl speed -seconds 3 -mr rsa2048 ecdsap256 ed25519 2>/dev/null \
        | grep '^+F' > "$OUT/openssl-speed-$rep.txt"
    taskset -c $SERVER_CPU "$BUILD/bench/rampart-bench-verify" --benchmark_min_time=2 \
        --benchmark_format=json --benchmark_out="$OUT/verify-$rep.json" >/dev/null
done

echo "== gRPC: agent vs no-op service"
"$CTL" keys generate --alg ES256 --kid bench --private-key "$WORK/key.pem" --jwks "$WORK/jwks.json" >/dev/null
printf 'listen: {grpc: "127.0.0.1:0"}\nhttp: {listen: "127.0.0.1:0", threads: 1}\njwt: {keys: {file: jwks.json}}\nlog: {level: warn}\n' > "$WORK/agent.yaml"
TOKEN=$("$CTL" token mint --alg ES256 --kid bench --private-key "$WORK/key.pem" --ttl 86400)

wait_port() {
    for _ in $(seq 1 100); do
        [[ -s "$1" ]] && { grep -o '"grpc_port":[0-9]*' "$1" | grep -o '[0-9]*$'; return; }
        sleep 0.1
    done
    echo "server did not start" >&2
    exit 1
}
taskset -c $SERVER_CPU "$BUILD/app/rampart-agent" --config "$WORK/agent.yaml" --ready-file "$WORK/agent.ready" &
AGENT_PID=$!
PIDS+=($AGENT_PID)
taskset -c $SERVER_CPU "$BUILD/bench/rampart-noop-server" --ready-file "$WORK/noop.ready" >/dev/null &
NOOP_PID=$!
PIDS+=($NOOP_PID)
AGENT="127.0.0.1:$(wait_port "$WORK/agent.ready")"
NOOP="127.0.0.1:$(wait_port "$WORK/noop.ready")"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The client shares the machine, so the achieved rate may be the client's limit rather than the
# server's; the server's CPU time per call is what a server core can sustain either way.
load() {  # name target server-pid args...
    local name=$1 target=$2 pid=$3
    shift 3
    local before after line
    before=$(cpu_ticks "$pid")
    line=$(taskset -c $CLIENT_CPU "$BUILD/bench/rampart-bench-grpc" --target "$target" \
        --token "$TOKEN" --seconds "$SECONDS_PER_RUN" --warmup 0 "$@")
    after=$(cpu_ticks "$pid")
    echo "${line%\}},\"server_cpu_s\":$(( after - before ))e-2}" >> "$OUT/grpc-$name.jsonl"
}
for rep in $(seq 1 "$REPS"); do
    echo "  round $rep"
    load noop-unary "$NOOP" $NOOP_PID --mode unary --concurrency 64
    load agent-unary "$AGENT" $AGENT_PID --mode unary --concurrency 64
    load noop-stream "$NOOP" $NOOP_PID --mode stream --concurrency 4
    load agent-stream "$AGENT" $AGENT_PID --mode stream --concurrency 4
done

# Latency at half of the peak just measured, open loop (from the scheduled send time).
half() { python3 -c "import json,statistics,sys; r=[json.loads(l)['rate'] for l in open(sys.argv[1])]; print(int(statistics.median(r)/2))" "$1"; }
UNARY_HALF=$(half "$OUT/grpc-agent-unary.jsonl")
STREAM_HALF=$(half "$OUT/grpc-agent-stream.jsonl")
for rep in $(seq 1 "$REPS"); do
    load agent-unary-half "$AGENT" $AGENT_PID --mode unary --rate "$UNARY_HALF"
    load agent-stream-half "$AGENT" $AGENT_PID --mode stream --concurrency 4 --rate "$STREAM_HALF"
done

echo "== launch spike end to end (rampart-load), peak at half the measured unary peak"
taskset -c $CLIENT_CPU "$BUILD/app/rampart-load" --target "$AGENT" --transport grpc --profile spike \
    --baseline $((UNARY_HALF / 10)) --peak "$UNARY_HALF" --lead 2 --ramp-up 3 --hold 10 --decay 3 \
    --private-key "$WORK/key.pem" --alg ES256 --kid bench --quiet --summary "$OUT/spike.json" >/dev/null

echo "== HTTP /auth under wrk vs nginx 'return 200' (one core each)"
REPS=$REPS SECONDS_PER_RUN=$SECONDS_PER_RUN SERVER_CPU=$SERVER_CPU CLIENT_CPU=$CLIENT_CPU \
    "$ROOT/bench/http-vs-nginx.sh" "$BUILD" "$OUT"

if [[ -x "$BUILD/bench/rampart-bench-limits" ]]; then
    echo "== rate limiter"
    # Not pinned: the 2-thread figures need both cores (two threads on one core would measure the
    # scheduler's time slicing, not the table).
    "$BUILD/bench/rampart-bench-limits" --benchmark_format=json \
        --benchmark_out="$OUT/limits.json" --benchmark_repetitions="$REPS" \
        --benchmark_report_aggregates_only=true >/dev/null
fi

if [[ -x "$BUILD/bench/rampart-bench-fleet" ]] && command -v redis-server >/dev/null; then
    echo "== fleet-wide limit through Redis"
    "$ROOT/bench/fleet-limit.sh" "$BUILD" "$OUT"
fi

if [[ -x "$BUILD/bench/rampart-bench-control" ]]; then
    echo "== control plane"
    "$BUILD/bench/rampart-bench-control" > "$OUT/control.json" 2>"$OUT/control.log" || true
fi

if [[ -x "$BUILD/bench/rampart-bench-console" ]]; then
    echo "== console (window shown offscreen; an hour of history first)"
    CONSOLE_SECONDS=${CONSOLE_SECONDS:-120}
    CONSOLE_SOAK_SECONDS=${CONSOLE_SOAK_SECONDS:-600}
    console() { taskset -c $SERVER_CPU "$BUILD/bench/rampart-bench-console" "$@" 2>/dev/null | grep '^{' >> "$OUT/console.jsonl"; }
    console --nodes 50 --interval-ms 1000 --seconds "$CONSOLE_SECONDS"
    console --nodes 10 --interval-ms 100 --seconds "$CONSOLE_SECONDS"
    taskset -c $SERVER_CPU "$BUILD/bench/rampart-bench-console" --nodes 50 --interval-ms 1000 \
        --seconds "$CONSOLE_SOAK_SECONDS" 2>/dev/null | grep '^{' > "$OUT/console-soak.json"
fi

python3 "$ROOT/bench/summarize.py" "$OUT" > "$ROOT/BENCHMARKS.md"
echo "wrote $ROOT/BENCHMARKS.md"
