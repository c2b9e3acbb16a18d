#!/usr/bin/env bash
# The agent's HTTP /auth against nginx answering `return 200`, each on one pinned core (core 0),
# wrk on the other (core 1), interleaved REPS rounds. Appends one line per run to
# OUT_DIR/http-nginx.jsonl and OUT_DIR/http-agent.jsonl (read by bench/summarize.py) and prints
# the medians. The achieved rate can be wrk's limit on a shared machine, so requests per second of
# server CPU (from /proc/PID/stat) is the fair comparison.
#
#   bench/http-vs-nginx.sh [BUILD_DIR] [OUT_DIR]     (defaults build/release, bench/results)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
OUT=${2:-$ROOT/bench/results}
REPS=${REPS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
WORK=$(mktemp -d -t rampart-http-bench-XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

CTL="$BUILD/app/rampartctl"
"$CTL" keys generate --alg ES256 --kid bench --private-key "$WORK/key.pem" --jwks "$WORK/jwks.json" >/dev/null
TOKEN=$("$CTL" token mint --alg ES256 --kid bench --private-key "$WORK/key.pem" --ttl 86400)
printf 'listen: {grpc: "127.0.0.1:0"}\nhttp: {listen: "127.0.0.1:0", threads: 1}\njwt: {keys: {file: jwks.json}}\nlog: {level: warn}\n' > "$WORK/agent.yaml"

taskset -c "$SERVER_CPU" "$BUILD/app/rampart-agent" --config "$WORK/agent.yaml" --ready-file "$WORK/agent.ready" &
AGENT_PID=$!
PIDS+=($AGENT_PID)
for _ in $(seq 1 100); do [[ -s "$WORK/agent.ready" ]] && break; sleep 0.1; done
[[ -s "$WORK/agent.ready" ]] || { echo "agent did not start" >&2; exit 1; }
HTTP_AGENT="127.0.0.1:$(grep -o '"http_port":[0-9]*' "$WORK/agent.ready" | grep -o '[0-9]*$')"

NGINX_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<NGINX
worker_processes 1;
master_process off;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / { return 200 "ok\n"; }
    }
}
NGINX
taskset -c "$SERVER_CPU" /usr/sbin/nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
NGINX_PID=$!
PIDS+=($NGINX_PID)
for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null && break
    sleep 0.1
done

# A request the agent refuses would measure the wrong path: check that the token is accepted.
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "http://$HTTP_AGENT/auth" \
    || { echo "agent refused the benchmark token" >&2; exit 1; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
wrk_run() {  # name url server-pid
    local before after rate
    before=$(cpu_ticks "$3")
    rate=$(taskset -c "$CLIENT_CPU" wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" \
        -H "Authorization: Bearer $TOKEN" "$2" | awk '/^Requests\/sec/ {print $2}')
    after=$(cpu_ticks "$3")
    echo "{\"rate\":$rate,\"seconds\":$SECONDS_PER_RUN,\"server_cpu_s\":$(( after - before ))e-2}" | tee -a "$OUT/http-$1.jsonl"
}
for rep in $(seq 1 "$REPS"); do
    echo "  round $rep"
    wrk_run nginx "http://127.0.0.1:$NGINX_PORT/" $NGINX_PID
    wrk_run agent "http://$HTTP_AGENT/auth" $AGENT_PID
done

# Medians of this run's lines only (the files may hold earlier runs).
python3 - "$OUT" "$REPS" <<'PY'
import json, statistics, sys
out, reps = sys.argv[1], int(sys.argv[2])
def runs(name):
    lines = [json.loads(l) for l in open(f"{out}/http-{name}.jsonl") if l.strip()][-reps:]
    rate = statistics.median(r["rate"] for r in lines)
    per_core = statistics.median(r["rate"] * r["seconds"] / r["server_cpu_s"] for r in lines)
    return rate, per_core
(rn, cn), (ra, ca) = runs("nginx"), runs("agent")
print(f"nginx: {rn:,.0f} req/s, {1e6 / cn:.2f} µs server CPU per request ({cn:,.0f} per core-second)")
print(f"agent: {ra:,.0f} req/s, {1e6 / ca:.2f} µs server CPU per request ({ca:,.0f} per core-second)")
print(f"agent/nginx per core: {ca / cn:.0%} (achieved {ra / rn:.0%})")
PY
