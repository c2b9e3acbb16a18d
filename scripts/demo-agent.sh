#!/usr/bin/env bash
# Starts a local rampart-agent on the example configuration with freshly generated keys, shows a
# valid token allowed and forged ones refused, then keeps the agent running until Ctrl-C.
# Usage: scripts/demo-agent.sh BUILD_DIR [--once]
set -euo pipefail

BUILD_DIR=${1:?usage: demo-agent.sh BUILD_DIR [--once]}
ONCE=${2:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
AGENT="$BUILD_DIR/app/rampart-agent"
CTL="$BUILD_DIR/app/rampartctl"
WORK=$(mktemp -d -t rampart-demo-XXXXXX)
AGENT_PID=""

cleanup() {
    if [[ -n "$AGENT_PID" ]] && kill -0 "$AGENT_PID" 2>/dev/null; then
        kill -TERM "$AGENT_PID" && wait "$AGENT_PID" || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Generating a demo signing key (ES256) and a rival key for forgeries, in $WORK"
"$CTL" keys generate --alg ES256 --kid demo-1 --private-key "$WORK/signing.pem" --jwks "$WORK/jwks.json"
"$CTL" keys generate --alg ES256 --kid demo-1 --private-key "$WORK/forger.pem" --jwks "$WORK/forger-jwks.json" >/dev/null

# The example configuration, listening on a free port (0) so the demo never collides.
sed -e 's#^  grpc: .*#  grpc: 127.0.0.1:0#' "$ROOT/resources/agent.example.yaml" > "$WORK/agent.yaml"
"$AGENT" --config "$WORK/agent.yaml" --check-config

say "Starting rampart-agent"
"$AGENT" --config "$WORK/agent.yaml" --ready-file "$WORK/ready.json" &
AGENT_PID=$!
for _ in $(seq 1 100); do
    [[ -s "$WORK/ready.json" ]] && break
    kill -0 "$AGENT_PID" 2>/dev/null || { echo "agent exited during start" >&2; exit 1; }
    sleep 0.1
done
PORT=$(sed -e 's/.*"grpc_port":\([0-9]*\).*/\1/' "$WORK/ready.json")
ADDR="127.0.0.1:$PORT"
echo "agent listening on $ADDR (pid $AGENT_PID)"

check() {
    local label=$1 token=$2
    printf '%-44s ' "$label"
    "$CTL" check --agent "$ADDR" --token "$token" || true
}

VALID=$("$CTL" token mint --alg ES256 --kid demo-1 --private-key "$WORK/signing.pem" --sub alice --ttl 600)
FORGED=$("$CTL" token mint --alg ES256 --kid demo-1 --private-key "$WORK/forger.pem" --sub mallory --ttl 600)
EXPIRED=$("$CTL" token mint --alg ES256 --kid demo-1 --private-key "$WORK/signing.pem" --sub alice --ttl -3600)
b64url() { printf '%s' "$1" | openssl base64 -A | tr '+/' '-_' | tr -d '='; }
NONE="$(b64url '{"alg":"none","typ":"JWT"}').$(b64url '{"sub":"admin","exp":9999999999}')."

say "Asking the agent, as a gateway would"
check "valid token (alice):" "$VALID"
check "valid token again (served from cache):" "$VALID"
check "forged: same kid, attacker's key:" "$FORGED"
check "expired an hour ago:" "$EXPIRED"
check "alg none:" "$NONE"
check "garbage:" "not-a-token"

if [[ "$ONCE" == "--once" ]]; then
    exit 0
fi
say "The agent keeps running on $ADDR. Try:"
echo "  $CTL check --agent $ADDR --token \$($CTL token mint --private-key $WORK/signing.pem --kid demo-1)"
echo "  kill -HUP $AGENT_PID   # reload keys"
echo "Press Ctrl-C to stop."
wait "$AGENT_PID"
