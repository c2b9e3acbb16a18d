#!/usr/bin/env bash
# A bounded fault soak: a real redis-server and three agents sharing the fleet-wide global limit
# (each with its own state dir), rampart-load replaying short launch spikes against every agent,
# and, at random moments from a seeded RNG, SIGKILLs and restarts of agents and of Redis and
# operator changes with rampartctl (limits set, block/unblock an IP, revoke a subject) against a
# random live node. Some kills come in the middle of a storm of changes, some of them the moment
# the node persists a change (inotify on its state dir), where a half-made commit would show. At
# the end it prints PASS/FAIL for:
#   (a) no agent died except the ones the soak killed (exit statuses, sanitizer reports, cores);
#   (b) every acknowledged change (rampartctl exit 0, with the revision it reported) is in force
#       on the node it was sent to after that node's restarts, and in its audit log exactly once;
#       limits revisions strictly increasing and without gaps; nothing in force that the audit
#       log does not hold;
#   (c) every check was answered with a verdict README.md documents, and rampart-load's errors
#       fall only in the windows when its node was down (the rule is in fault-soak.py, check_load);
#   (d) memory flat for every agent process that ran long enough unrestarted (auth-1 is never
#       killed, so there is always one): last third's median RSS ≤ first third's × 1.2 + 10 MB.
# and a summary (kills, restarts, acknowledged changes, checks answered, RSS per node).
# Exit status 0 only if every check passes.
#
#   bench/fault-soak.sh BUILD_DIR [MINUTES]      (default 2 minutes)
#   bench/fault-soak.sh build/release 1          the CI form: under 2 minutes in all
#   SOAK_SEED=1234 bench/fault-soak.sh ...       replay a run's faults and changes (the seed is
#                                                printed at the start and in the summary)
# Also: SOAK_BASELINE / SOAK_PEAK (checks/s per agent in each spike, default 50 / 250: the
# three together peak over the fleet limit of 500/s), SOAK_KEEP=1 keeps the work directory.
#
# Loopback only; no stdin, no display. Every temporary file is in one mktemp directory, and
# everything started here (agents, Redis, load generators, change storms) runs in its own process
# group and is stopped on exit, on failure and on Ctrl-C. Load is bounded in time (the run's
# length) and count (--max-requests per segment).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF="$ROOT/bench/fault-soak.sh"
HELPER="$ROOT/bench/fault-soak.py"
NODES=(auth-1 auth-2 auth-3)

now() { NOW=$(( ${EPOCHREALTIME//[.,]/} / 1000 )); }   # milliseconds, without a fork

# One rampartctl change against NODE, recorded in ops.tsv with its exit status and JSON answer.
# Sets OP_RC. KIND: limits (PARAMS "ipRate,subjectRate"), block, unblock (TARGET an IP/32),
# revoke (TARGET a subject).
run_op() {  # NODE CONTROL_PORT KIND ID TARGET PARAMS
    local node=$1 port=$2 kind=$3 id=$4 target=$5 params=$6 args t0 tag="soak-$SOAK_SEED-$4"
    local out="$WORK/ops/$id.json"
    case $kind in
        limits) local a=${params%,*} b=${params#*,}
                args=(limits set --per-ip-rate "$a" --per-ip-burst $((2 * a)) --per-subject-rate "$b"
                      --per-subject-burst $((2 * b)) --reason "$tag") ;;
        block) args=(block --ip "$target" --for 1d --reason "$tag") ;;
        unblock) args=(unblock --ip "$target" --reason "$tag") ;;
        revoke) args=(revoke --subject "$target" --for 1d --reason "$tag") ;;
    esac
    now; t0=$NOW
    OP_RC=0
    "$BUILD/app/rampartctl" "${args[@]}" --agent "127.0.0.1:$port" --ca "$WORK/certs/ca.crt" \
        --cert "$WORK/certs/operator.crt" --key "$WORK/certs/operator.key" --json --timeout-ms 3000 \
        >"$out" 2>"$out.err" </dev/null || OP_RC=$?
    now
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$t0" "$NOW" "$node" "$kind" "$tag" \
        "$target" "$OP_RC" "$out" "${params:--}" >>"$WORK/ops.tsv"
}

# ---------------------------------------------------------------- internal modes (own process group)

# rampart-load against one agent only, in segments of a few seconds until END_MS: a short launch
# spike each, so an error is attributable to one node and one time span.
if [[ ${1:-} == __load ]]; then
    node=$2 port=$3 end=$4 seg=$5 base=$6 peak=$7 seed=$8
    n=0
    while true; do
        now
        left=$(( end - NOW ))
        (( left >= 2000 )) || break
        len=$(( left < seg * 1000 ? left : seg * 1000 ))   # ms
        n=$((n + 1))
        f() { printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )); }
        summary="$WORK/load/$node-$n.json"
        t0=$NOW rc=0
        "$BUILD/app/rampart-load" --target "127.0.0.1:$port" --transport grpc --profile spike \
            --baseline "$base" --peak "$peak" --lead "$(f $((len / 5)))" --ramp-up "$(f $((len / 5)))" \
            --hold "$(f $((len * 3 / 10)))" --decay "$(f $((len * 3 / 10)))" \
            --max-requests $(( peak * (len / 1000 + 1) + 100 )) --seed $(( seed * 1000 + n )) \
            --private-key "$WORK/signing.pem" --kid soak-1 --mix valid=90,expired=4,forged=3,garbage=3 \
            --users 2000 --ips 2000 --ip-skew 1.2 --summary "$summary" --quiet \
            >/dev/null 2>>"$WORK/load/$node.log" </dev/null || rc=$?
        now
        printf '%s\t%s\t%s\t%s\t%s\n' "$node" "$t0" "$NOW" "$rc" "$summary" >>"$WORK/load.tsv"
    done
    exit 0
fi

# One worker of a change storm: back-to-back changes of one kind against one node until the
# stop file appears (the node was killed) or 25 changes.
if [[ ${1:-} == __storm ]]; then
    node=$2 port=$3 worker=$4 storm=$5 stop=$6
    for k in $(seq 1 25); do
        [[ -e $stop ]] && break
        id="s$storm-$worker-$k"
        case $worker in
            1) run_op "$node" "$port" limits "$id" - "$(( 20 + RANDOM % 60 )),$(( 10 + RANDOM % 50 ))" ;;
            2) run_op "$node" "$port" block "$id" "10.$(( 100 + storm % 100 )).$worker.$k/32" "" ;;
            *) run_op "$node" "$port" revoke "$id" "storm-$storm-$k" "" ;;
        esac
    done
    exit 0
fi

# ---------------------------------------------------------------- setup

BUILD=$(cd "${1:?usage: fault-soak.sh BUILD_DIR [MINUTES]}" && pwd)
MINUTES=${2:-2}
[[ $MINUTES =~ ^[0-9]+$ ]] && (( MINUTES >= 1 && MINUTES <= 120 )) || { echo "MINUTES: 1 to 120" >&2; exit 2; }
for tool in rampart-agent rampartctl rampart-load; do
    [[ -x $BUILD/app/$tool ]] || { echo "no $BUILD/app/$tool: build first" >&2; exit 2; }
done
# Debian's own python3 if there is one: a version manager's shim can take a second to start.
PYTHON=$(command -v /usr/bin/python3 || command -v python3 || true)
for tool in redis-server redis-cli python3 openssl; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
done
SOAK_SEED=${SOAK_SEED:-$(( (RANDOM << 15 | RANDOM) % 1000000 ))}
BASELINE=${SOAK_BASELINE:-50}
PEAK=${SOAK_PEAK:-250}
SEGMENT=10   # seconds per rampart-load run
source "$ROOT/scripts/lib/fleet.sh"

WORK=$(mktemp -d -t rampart-soak-XXXXXX)
export WORK BUILD SOAK_SEED
declare -A PID GPORT HPORT CPORT READY RESTARTS
T0=0
JOBS=()          # process groups of load loops, storm workers and killers
REDIS_PID=
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for pgid in "${JOBS[@]}"; do kill -KILL -- "-$pgid" 2>/dev/null || true; done
    for node in "${NODES[@]}"; do [[ -n ${PID[$node]:-} ]] && kill -KILL "${PID[$node]}" 2>/dev/null || true; done
    [[ -n $REDIS_PID ]] && kill -KILL "$REDIS_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    if [[ ${SOAK_KEEP:-0} == 1 ]]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT
trap 'exit 143' TERM
say() { printf '\n== %s\n' "$*"; }
event() { now; printf '%s\t%s\t%s\t%s\t%s\n' "$NOW" "$1" "${2:--}" "${3:--}" "${4:--}" >>"$WORK/events.tsv"; }
mkdir -p "$WORK/ops" "$WORK/load" "$WORK/marks" "$WORK/final" "$WORK/initial" "$WORK/storms"
: >"$WORK/ops.tsv"; : >"$WORK/load.tsv"; : >"$WORK/events.tsv"; : >"$WORK/rss.tsv"

say "Fault soak: $MINUTES min, seed $SOAK_SEED (replay with SOAK_SEED=$SOAK_SEED), work dir $WORK"
rampart_make_keys_and_certs "$BUILD" "$ROOT" "$WORK" soak-1 >/dev/null

mapfile -t PORTS < <(rampart_free_ports 10)
REDIS_PORT=${PORTS[9]}
start_redis() {
    rampart_start_redis "$REDIS_PORT" "$WORK" "$WORK/redis.log"
    REDIS_PID=$RAMPART_REDIS_PID
    event redis-start - "$REDIS_PID"
    rampart_wait_redis "$REDIS_PORT" || { echo "redis-server did not start:"; cat "$WORK/redis.log"; exit 1; }
}
start_redis

for i in 1 2 3; do
    node=auth-$i
    GPORT[$node]=${PORTS[$(( (i - 1) * 3 ))]} HPORT[$node]=${PORTS[$(( (i - 1) * 3 + 1 ))]}
    CPORT[$node]=${PORTS[$(( (i - 1) * 3 + 2 ))]} RESTARTS[$node]=0
    mkdir -p "$WORK/$node"
    # Fixed ports, so a restarted agent is where its clients left it.
    cat >"$WORK/$node/agent.yaml" <<YAML
node_id: $node
listen: {grpc: "127.0.0.1:${GPORT[$node]}"}
http: {listen: "127.0.0.1:${HPORT[$node]}", trusted_proxies: [127.0.0.1/32]}
control:
  listen: "127.0.0.1:${CPORT[$node]}"
  cert_file: $WORK/certs/node.crt
  key_file: $WORK/certs/node.key
  client_ca_file: $WORK/certs/ca.crt
  operators: [operator]
  viewers: [viewer]
  state_dir: $WORK/$node/state
  call_rate: {rate: 1000, burst: 1000}
limits:
  per_ip: {rate: 40, burst: 80}
  per_subject: {rate: 30, burst: 60}
  global: {rate: 500, burst: 250}   # for the three together: the spikes' peaks go over it
  fleet: {redis: "127.0.0.1:$REDIS_PORT", key: "rampart:soak:global"}
jwt:
  keys: {file: $WORK/jwks.json}
log: {level: ${SOAK_LOG_LEVEL:-info}}   # info: a shutdown on a signal is logged
YAML
done

start_agent() {  # NODE
    local node=$1
    rm -f "$WORK/$node/ready.json"
    # Its own session: a Ctrl-C reaches this script (which stops everything), not the agents.
    (cd "$WORK/$node" && exec setsid "$BUILD/app/rampart-agent" --config agent.yaml \
        --ready-file ready.json 2>>agent.log </dev/null) &
    PID[$node]=$!
    READY[$node]=0
    event start "$node" "${PID[$node]}"
}
poll_ready() {
    for node in "${NODES[@]}"; do
        if [[ ${READY[$node]} == 0 && -n ${PID[$node]} && -s $WORK/$node/ready.json ]]; then
            READY[$node]=1
            event ready "$node" "${PID[$node]}"
        fi
    done
}
wait_ready() {  # NODE...: up to 20 s
    local deadline=$(( ${EPOCHREALTIME%[.,]*} + 20 ))
    while (( ${EPOCHREALTIME%[.,]*} < deadline )); do
        check_alive; poll_ready
        local all=1
        for node in "$@"; do [[ ${READY[$node]} == 1 ]] || all=0; done
        (( all )) && return 0
        sleep 0.05
    done
    for node in "$@"; do
        [[ ${READY[$node]} == 1 ]] || { echo "$node did not become ready:"; tail -20 "$WORK/$node/agent.log"; }
    done
    return 1
}
# SIGKILL a node on purpose and reap it (so its ports are free for the restart).
kill_node() {  # NODE HOW
    local node=$1 how=$2 pid=${PID[$1]:-} rc=0
    [[ -n $pid ]] || return 0
    now
    echo "$NOW" >"$WORK/marks/$pid.time"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || rc=$?
    PID[$node]= READY[$node]=0
    printf '%s\t%s\t%s\t%s\t%s\n' "$(head -1 "$WORK/marks/$pid.time")" kill "$node" "$pid" "$how" >>"$WORK/events.tsv"
    if [[ $how == storm-* ]]; then
        event storm-kill "$node" "$pid" "${how#storm-}"
        printf '  +%5.1fs  SIGKILL %s (pid %s) in its storm (%s)\n' "$(( NOW - T0 ))e-3" "$node" "$pid" "${how#storm-}"
    fi
    event exit "$node" "$pid" "$rc"
}
# Notices dead agents and Redis; an agent the soak did not kill is recorded (check (a)) and
# restarted, at most 5 times per node, so the run goes on.
check_alive() {
    for node in "${NODES[@]}"; do
        local pid=${PID[$node]:-}
        [[ -n $pid ]] || continue
        kill -0 "$pid" 2>/dev/null && continue
        local rc=0
        wait "$pid" 2>/dev/null || rc=$?
        PID[$node]= READY[$node]=0
        if [[ -s $WORK/marks/$pid.time ]]; then
            # Killed by a storm's kill-on-commit watcher, which wrote the time just before.
            printf '%s\t%s\t%s\t%s\t%s\n' "$(head -1 "$WORK/marks/$pid.time")" kill "$node" "$pid" storm-commit >>"$WORK/events.tsv"
            event storm-kill "$node" "$pid" commit
            printf '  +%5.1fs  SIGKILL %s (pid %s) in its storm, right after it persisted a change\n' \
                "$(( NOW - T0 ))e-3" "$node" "$pid"
            event exit "$node" "$pid" "$rc"
        else
            echo "!! $node (pid $pid) exited on its own with status $rc; restarting it"
            event died "$node" "$pid" "$rc"
            RESTARTS[$node]=$(( ${RESTARTS[$node]} + 1 ))
            if (( ${RESTARTS[$node]} <= 5 )); then start_agent "$node"; fi
        fi
    done
    if [[ -n $REDIS_PID ]] && ! kill -0 "$REDIS_PID" 2>/dev/null; then
        local rc=0
        wait "$REDIS_PID" 2>/dev/null || rc=$?
        event redis-died - "$REDIS_PID" "$rc"
        REDIS_PID=
        start_redis
    fi
}
sample_rss() {
    for node in "${NODES[@]}"; do
        local pid=${PID[$node]} key value unit
        [[ -n $pid && ${READY[$node]} == 1 ]] || continue
        while read -r key value unit; do
            if [[ $key == VmRSS: ]]; then
                printf '%s\t%s\t%s\t%s\n' "$NOW" "$node" "$pid" "$value" >>"$WORK/rss.tsv"
                break
            fi
        done 2>/dev/null <"/proc/$pid/status" || true
    done
}
ctl_json() {  # NODE OUT ARGS...
    local node=$1 out=$2
    shift 2
    "$BUILD/app/rampartctl" "$@" --agent "127.0.0.1:${CPORT[$node]}" --ca "$WORK/certs/ca.crt" \
        --cert "$WORK/certs/operator.crt" --key "$WORK/certs/operator.key" --json --timeout-ms 5000 \
        >"$out" 2>"$out.err" </dev/null || true
}

say "Redis 127.0.0.1:$REDIS_PORT and three agents (auth-1 is never killed)"
for node in "${NODES[@]}"; do start_agent "$node"; done
wait_ready "${NODES[@]}" || exit 1
for node in "${NODES[@]}"; do
    echo "$node: data plane 127.0.0.1:${GPORT[$node]}, control 127.0.0.1:${CPORT[$node]}, pid ${PID[$node]}"
    ctl_json "$node" "$WORK/initial/$node-limits.json" limits get
done

# ---------------------------------------------------------------- the run

mapfile -t SCHEDULE < <("$PYTHON" "$HELPER" schedule "$SOAK_SEED" $(( MINUTES * 60 )))
(( ${#SCHEDULE[@]} > 0 )) || { echo "no schedule from $HELPER" >&2; exit 1; }
now; T0=$NOW; T_END=$(( T0 + MINUTES * 60000 ))
printf '{"t0": %s, "seed": %s, "minutes": %s, "build": "%s"}\n' "$T0" "$SOAK_SEED" "$MINUTES" "$BUILD" >"$WORK/run.json"
say "Load: a ${SEGMENT}s spike (${BASELINE} → ${PEAK} checks/s) after another against each agent; ${#SCHEDULE[@]} scheduled events"
for i in 1 2 3; do
    node=auth-$i
    setsid "$SELF" __load "$node" "${GPORT[$node]}" "$T_END" "$SEGMENT" "$BASELINE" "$PEAK" "$(( SOAK_SEED + i ))" &
    JOBS+=($!)
done

declare -A STORM_STOP STORM_DEADLINE STORM_KILL_AT STORM_KILLER
STORMS=0 OPS=0 IP_NEXT=1 SUBJECT_NEXT=1
declare -A BLOCKED   # node → acknowledged, not yet unblocked IPs (space-separated)

live_node() {  # preferred NODE → a live, ready node not in a storm (auth-1 if need be)
    local start=$1 i n
    for i in 0 1 2; do
        n=auth-$(( ( ${start#auth-} - 1 + i ) % 3 + 1 ))
        [[ ${READY[$n]} == 1 && -z ${STORM_STOP[$n]:-} ]] && { echo "$n"; return; }
    done
    echo auth-1
}

do_event() {  # t action node a b
    local action=$2 node=$3 a=$4 b=$5
    case $action in
        op)
            node=$(live_node "$node")
            OPS=$((OPS + 1))
            local id="m$OPS" target=- kind=$a
            if [[ $kind == unblock ]]; then
                local list=(${BLOCKED[$node]:-})
                if (( ${#list[@]} == 0 )); then kind=block; else target=${list[0]}; fi
            fi
            case $kind in
                block) target=10.0.$(( IP_NEXT >> 8 )).$(( IP_NEXT & 255 ))/32; IP_NEXT=$((IP_NEXT + 1)) ;;
                revoke) target=user-$SUBJECT_NEXT; SUBJECT_NEXT=$((SUBJECT_NEXT + 1)) ;;
            esac
            run_op "$node" "${CPORT[$node]}" "$kind" "$id" "$target" "$( [[ $b == - ]] || echo "$b")"
            if [[ $kind == block && $OP_RC == 0 ]]; then BLOCKED[$node]="${BLOCKED[$node]:-} $target"; fi
            if [[ $kind == unblock ]]; then
                # Whatever the answer, this IP is not unblocked again.
                local rest=() ip
                for ip in ${BLOCKED[$node]}; do [[ $ip == "$target" ]] || rest+=("$ip"); done
                BLOCKED[$node]="${rest[*]}"
            fi
            if [[ $OP_RC != 0 ]]; then
                printf '  +%5.1fs  %s %s %s: not acknowledged (rampartctl exit %s)\n' "$(( NOW - T0 ))e-3" \
                    "$kind" "$target" "$node" "$OP_RC"
            fi
            ;;
        kill)
            [[ ${READY[$node]} == 1 ]] || return 0
            printf '  +%5.1fs  SIGKILL %s (pid %s)\n' "$(( NOW - T0 ))e-3" "$node" "${PID[$node]}"
            kill_node "$node" random
            ;;
        restart)
            if [[ -n ${STORM_STOP[$node]:-} ]]; then kill_node "$node" storm-late; end_storm "$node"; fi
            [[ -z ${PID[$node]:-} ]] || return 0
            start_agent "$node"
            printf '  +%5.1fs  restart %s (pid %s)\n' "$(( NOW - T0 ))e-3" "$node" "${PID[$node]}"
            ;;
        redis-kill)
            [[ -n $REDIS_PID ]] || return 0
            printf '  +%5.1fs  SIGKILL redis-server\n' "$(( NOW - T0 ))e-3"
            local pid=$REDIS_PID
            REDIS_PID=
            kill -KILL "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
            event redis-kill - "$pid"
            ;;
        redis-restart)
            [[ -z $REDIS_PID ]] || return 0
            start_redis
            printf '  +%5.1fs  restart redis-server\n' "$(( NOW - T0 ))e-3"
            ;;
        storm)
            [[ ${READY[$node]} == 1 ]] || return 0
            STORMS=$((STORMS + 1))
            local stop="$WORK/storms/$STORMS.stop" pid=${PID[$node]} w
            STORM_STOP[$node]=$stop
            STORM_DEADLINE[$node]=$(( NOW + 3000 ))
            printf '  +%5.1fs  change storm on %s, then SIGKILL %s\n' "$(( NOW - T0 ))e-3" "$node" \
                "$( [[ $a == commit ]] && echo "the moment it persists a change (after $(( b / 300 )) others)" || echo "after ${b} ms")"
            if [[ $a == commit ]]; then
                setsid "$PYTHON" "$HELPER" kill-on-commit "$WORK/$node/state" "$pid" "$WORK/marks/$pid.time" \
                    $(( b / 300 )) 4 >/dev/null 2>&1 &
                JOBS+=($!)
                STORM_KILLER[$node]=$!
                # The changes start once the watcher is in place (Python takes a moment to start).
                for _ in $(seq 1 100); do [[ -e $WORK/marks/$pid.time.armed ]] && break; sleep 0.05; done
                now
                STORM_DEADLINE[$node]=$(( NOW + 3000 ))
                STORM_KILL_AT[$node]=0
            else
                STORM_KILL_AT[$node]=$(( NOW + b ))
            fi
            for w in 1 2 3; do
                setsid "$SELF" __storm "$node" "${CPORT[$node]}" "$w" "$STORMS" "$stop" &
                JOBS+=($!)
            done
            event storm "$node" "$pid" "$a"
            ;;
    esac
}
end_storm() {
    local node=$1
    : >"${STORM_STOP[$node]}"
    if [[ -n ${STORM_KILLER[$node]:-} ]]; then
        kill -KILL -- "-${STORM_KILLER[$node]}" 2>/dev/null || true
        wait "${STORM_KILLER[$node]}" 2>/dev/null || true
    fi
    unset "STORM_STOP[$node]" "STORM_DEADLINE[$node]" "STORM_KILL_AT[$node]" "STORM_KILLER[$node]"
}
# Storms: a "random" one kills at its moment; a "commit" one is killed by its watcher, or here at
# the deadline if no commit came (then it counts as a plain storm kill). Either way the storm's
# workers stop once the node is gone.
tend_storms() {
    local node how
    for node in "${!STORM_STOP[@]}"; do
        if [[ -z ${PID[$node]:-} ]]; then end_storm "$node"; continue; fi
        local kill_at=${STORM_KILL_AT[$node]} deadline=${STORM_DEADLINE[$node]}
        if (( (kill_at > 0 && NOW >= kill_at) || NOW >= deadline )); then
            if (( kill_at > 0 )); then how=storm-random; else how=storm-commit-timeout; fi
            kill_node "$node" "$how"
            end_storm "$node"
        fi
    done
}

next_rss=0 idx=0
while true; do
    now
    (( NOW < T_END )) || break
    while (( idx < ${#SCHEDULE[@]} )); do
        IFS=$'\t' read -r t action node a b <<<"${SCHEDULE[$idx]}"
        (( T0 + t <= NOW )) || break
        do_event "$t" "$action" "$node" "$a" "$b"
        idx=$((idx + 1))
        now
    done
    check_alive
    poll_ready
    tend_storms
    if (( NOW >= next_rss )); then sample_rss; next_rss=$(( NOW + 2000 )); fi
    sleep 0.1
done
# Whatever is left of the schedule (restarts only, by construction).
while (( idx < ${#SCHEDULE[@]} )); do
    IFS=$'\t' read -r t action node a b <<<"${SCHEDULE[$idx]}"
    [[ $action == op || $action == storm || $action == kill ]] || do_event "$t" "$action" "$node" "$a" "$b"
    idx=$((idx + 1))
done
now; printf '{"t0": %s, "t_end": %s, "seed": %s, "minutes": %s, "build": "%s", "peak": %s}\n' \
    "$T0" "$NOW" "$SOAK_SEED" "$MINUTES" "$BUILD" "$PEAK" >"$WORK/run.json"
[[ -n $REDIS_PID ]] || start_redis
for node in "${!STORM_STOP[@]}"; do kill_node "$node" storm-late; end_storm "$node"; done
for node in "${NODES[@]}"; do [[ -n ${PID[$node]} ]] || start_agent "$node"; done

say "Load finished; every agent back, then one last SIGKILL and restart of auth-2 and auth-3"
for pgid in "${JOBS[@]}"; do
    for _ in $(seq 1 300); do kill -0 "$pgid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pgid" 2>/dev/null || true
    wait "$pgid" 2>/dev/null || true
done
wait_ready "${NODES[@]}" || true
for node in auth-2 auth-3; do
    kill_node "$node" final
    start_agent "$node"
done
wait_ready "${NODES[@]}" || true

say "Reading back every node's limits, blocks, revocations, audit log and status"
for node in "${NODES[@]}"; do
    ctl_json "$node" "$WORK/final/$node-limits.json" limits get
    ctl_json "$node" "$WORK/final/$node-blocks.json" blocks
    ctl_json "$node" "$WORK/final/$node-revocations.json" revocations
    ctl_json "$node" "$WORK/final/$node-audit.json" audit --since 1d --limit 1000
    ctl_json "$node" "$WORK/final/$node-status.json" status
done

# A clean stop: SIGTERM, and an agent that does not exit 0 within 15 s is a failure of (a).
for node in "${NODES[@]}"; do [[ -n ${PID[$node]} ]] && kill -TERM "${PID[$node]}" 2>/dev/null || true; done
for node in "${NODES[@]}"; do
    pid=${PID[$node]}
    [[ -n $pid ]] || continue
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rc=0
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; rc="still running 15 s after SIGTERM"; fi
    wait "$pid" 2>/dev/null || { [[ $rc != 0 ]] || rc=$?; }
    event stopped "$node" "$pid" "$rc"
    PID[$node]=
done

say "Checks"
status=0
"$PYTHON" "$HELPER" check "$WORK" || status=$?
exit "$status"
