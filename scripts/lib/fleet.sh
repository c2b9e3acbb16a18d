# Helpers shared by scripts/demo-fleet.sh and bench/fault-soak.sh: a free loopback port, the
# signing key and throwaway CA, and a local redis-server. Sourced, not run; each function says
# what it needs and sets nothing but what it documents.

# Prints a TCP port that is free on 127.0.0.1 right now.
rampart_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Prints COUNT distinct free loopback ports, one a line (all held open until every one is chosen,
# so none repeats).
rampart_free_ports() {  # COUNT
    python3 - "$1" <<'PY'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
print("\n".join(str(s.getsockname()[1]) for s in held))
PY
}

# An ES256 signing key (DIR/signing.pem, its key set DIR/jwks.json with kid KID) and a
# development CA with node, operator and viewer certificates valid for one day (DIR/certs/).
rampart_make_keys_and_certs() {  # BUILD_DIR SOURCE_ROOT DIR KID
    "$1/app/rampartctl" keys generate --alg ES256 --kid "$4" --private-key "$3/signing.pem" --jwks "$3/jwks.json"
    "$2/scripts/make-dev-certs.sh" "$3/certs" 1
}

# Starts redis-server in the background on 127.0.0.1:PORT, without persistence, logging to LOG;
# sets RAMPART_REDIS_PID. Pair with rampart_wait_redis.
rampart_start_redis() {  # PORT DIR LOG
    redis-server --bind 127.0.0.1 --port "$1" --save '' --appendonly no --dir "$2" \
        --daemonize no >"$3" 2>&1 &
    RAMPART_REDIS_PID=$!
}

# Waits up to 10 s for Redis on 127.0.0.1:PORT to answer PING; non-zero if it never does.
rampart_wait_redis() {  # PORT
    for _ in $(seq 1 100); do redis-cli -p "$1" PING >/dev/null 2>&1 && return 0; sleep 0.1; done
    redis-cli -p "$1" PING >/dev/null
}
