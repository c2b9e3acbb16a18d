#!/usr/bin/env bash
# The main demo: three local agents sharing one global limit through Redis, rampart-load replaying
# a launch spike against them, and rampart-console connected to all three with operator rights.
# Keys and certificates are made on the spot in a temporary directory and removed on exit.
#
#   scripts/demo-fleet.sh BUILD_DIR
# Without a display (no $DISPLAY), the fleet and the spike still run and the console renders a
# screenshot offscreen; run it under Xvfb to see the window (the message says how).
set -euo pipefail

BUILD=${1:?usage: demo-fleet.sh BUILD_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib/fleet.sh"
WORK=$(mktemp -d -t rampart-fleet-XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 0' INT TERM
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Keys and certificates (in $WORK)"
rampart_make_keys_and_certs "$BUILD" "$ROOT" "$WORK" demo-1

say "Starting Redis for the fleet-wide global limit"
REDIS_PORT=$(rampart_free_port)
rampart_start_redis "$REDIS_PORT" "$WORK" "$WORK/redis.log"
PIDS+=("$RAMPART_REDIS_PID")
rampart_wait_redis "$REDIS_PORT" || { echo "redis-server did not start:"; cat "$WORK/redis.log"; exit 1; }
echo "redis 127.0.0.1:$REDIS_PORT: the three agents share one global limit of 1,500 checks/s"

say "Starting three agents"
for i in 1 2 3; do
    mkdir -p "$WORK/auth-$i"
    cat > "$WORK/auth-$i/agent.yaml" <<YAML
node_id: auth-$i
listen: {grpc: "127.0.0.1:0"}
http: {listen: "127.0.0.1:0", trusted_proxies: [127.0.0.1/32]}
control:
  listen: "127.0.0.1:0"
  cert_file: $WORK/certs/node.crt
  key_file: $WORK/certs/node.key
  client_ca_file: $WORK/certs/ca.crt
  operators: [operator]
  viewers: [viewer]
  state_dir: $WORK/auth-$i/state
scaling:
  backend: command
  command: {path: $ROOT/resources/demo/scale-hook.sh}
limits:
  per_ip: {rate: 40, burst: 80}
  per_subject: {rate: 30, burst: 60}
  global: {rate: 1500, burst: 500}   # for the three together: the spike's peak goes over it
  fleet: {redis: "127.0.0.1:$REDIS_PORT", key: "rampart:demo:global"}
jwt:
  keys: {file: $WORK/jwks.json}
log: {level: warn}
YAML
    RAMPART_DEMO_DIR="$WORK/auth-$i" "$BUILD/app/rampart-agent" --config "$WORK/auth-$i/agent.yaml" \
        --ready-file "$WORK/auth-$i/ready.json" 2>>"$WORK/auth-$i/agent.log" &
    PIDS+=($!)
done
port_of() { grep -o "\"$2\":[0-9]*" "$WORK/$1/ready.json" | grep -o '[0-9]*$'; }
for i in 1 2 3; do
    for _ in $(seq 1 100); do [[ -s "$WORK/auth-$i/ready.json" ]] && break; sleep 0.1; done
    [[ -s "$WORK/auth-$i/ready.json" ]] || { echo "auth-$i did not start:"; cat "$WORK/auth-$i/agent.log"; exit 1; }
    echo "auth-$i: data plane 127.0.0.1:$(port_of "auth-$i" grpc_port), control 127.0.0.1:$(port_of "auth-$i" control_port)"
done

cat > "$WORK/fleet.yaml" <<YAML
tls: {ca: certs/ca.crt, cert: certs/operator.crt, key: certs/operator.key}
nodes:
  - {name: auth-1, address: "127.0.0.1:$(port_of auth-1 control_port)"}
  - {name: auth-2, address: "127.0.0.1:$(port_of auth-2 control_port)"}
  - {name: auth-3, address: "127.0.0.1:$(port_of auth-3 control_port)"}
YAML

say "Replaying a launch spike with rampart-load (repeats until the demo ends)"
TARGETS=()
for i in 1 2 3; do TARGETS+=(--target "127.0.0.1:$(port_of "auth-$i" grpc_port)"); done
(
    while true; do
        "$BUILD/app/rampart-load" "${TARGETS[@]}" --transport grpc --profile spike \
            --baseline 300 --peak 3000 --lead 10 --ramp-up 5 --hold 30 --decay 10 \
            --users 5000 --ips 2000 --ip-skew 1.2 --mix valid=90,expired=4,forged=3,garbage=3 \
            --private-key "$WORK/signing.pem" --kid demo-1 --quiet >/dev/null || true
    done
) &
PIDS+=($!)

CONSOLE=("$BUILD/app/rampart-console" --fleet "$WORK/fleet.yaml" --settings "$WORK/console.ini")
if [[ -z "${DISPLAY:-}" ]]; then
    say "No display here"
    echo "To see the console, run the demo under a virtual display and connect a viewer to it, e.g.:"
    echo "  xvfb-run -a -s '-screen 0 1920x1080x24' scripts/demo.sh"
    echo "or on a desktop session simply run scripts/demo.sh."
    echo "Meanwhile the console renders offscreen; a screenshot after 20 s of the spike:"
    QT_QPA_PLATFORM=offscreen "${CONSOLE[@]}" --screenshot "$ROOT/build/console-demo.png" --screenshot-after 20
    echo "  $ROOT/build/console-demo.png"
    exit 0
fi
say "rampart-console (close the window to end the demo)"
"${CONSOLE[@]}"
