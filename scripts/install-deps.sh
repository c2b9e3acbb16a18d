#!/usr/bin/env bash
# Installs the Debian 12 packages Rampart builds and tests against.
# Idempotent: packages already installed are left alone, and apt is not touched at all
# when nothing is missing. Safe without a terminal or stdin (CI).
#
#   scripts/install-deps.sh             agent, tools, tests and benchmarks
#   scripts/install-deps.sh --console   the above plus the console's Qt packages
set -euo pipefail

PACKAGES=(
    # Toolchain
    build-essential
    cmake
    ninja-build
    pkg-config
    ccache
    git
    # TLS and keys (the demo and the tests generate keys with the openssl CLI)
    ca-certificates
    openssl
    libssl-dev
    # gRPC and Protobuf (Abseil comes with gRPC)
    libgrpc++-dev
    protobuf-compiler-grpc
    libprotobuf-dev
    protobuf-compiler
    libabsl-dev
    # Config, logging, command line, JSON
    libyaml-cpp-dev
    libspdlog-dev
    libfmt-dev
    libcli11-dev
    rapidjson-dev
    nlohmann-json3-dev
    # HTTP: libcurl for JWKS URLs and the Kubernetes API, Boost.Beast for the server
    libcurl4-openssl-dev
    libboost-dev
    # Redis client for the fleet-wide limit
    libhiredis-dev
    # Tests and benchmarks
    libgtest-dev
    libgmock-dev
    libbenchmark-dev
    # Process tools the integration tests rely on (ps, pgrep); `file` is what CPack's DEB
    # generator runs to find shared-library dependencies (CPACK_DEBIAN_PACKAGE_SHLIBDEPS)
    procps
    file
    # Real peers the integration tests run on loopback: nginx in front of the agent, a
    # Prometheus server (and promtool) scraping it, a Redis server holding a fleet's limit
    nginx-light
    prometheus
    redis-server
    # Fuzzing (scripts/fuzz.sh): clang; libFuzzer and the sanitizer runtimes, which clang only
    # recommends (and recommends are skipped below); llvm for llvm-symbolizer, without which a
    # crash's stack trace is bare addresses
    clang
    libclang-rt-14-dev
    llvm
    # Benchmarks: wrk drives HTTP; taskset pins server and client to separate cores; python3 summarises results
    util-linux
    python3
    wrk
)

# Qt 6 for rampart-console, and Xvfb to show it on a machine without a display.
CONSOLE_PACKAGES=(
    qt6-base-dev
    qt6-charts-dev
    libqt6opengl6-dev
    libxkbcommon-dev
    qt6-svg-dev
    libgl-dev
    fonts-dejavu-core
    xvfb
    xauth
)

usage() {
    echo "usage: $0 [--console]" >&2
}

with_console=0
for arg in "$@"; do
    case "$arg" in
        --console) with_console=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            usage
            exit 2
            ;;
    esac
done

if ((with_console)); then
    PACKAGES+=("${CONSOLE_PACKAGES[@]}")
fi

is_installed() {
    local status
    status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! is_installed "$pkg"; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all dependencies present"
    exit 0
fi

if ((EUID == 0)); then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    # -n: fail instead of prompting, since there may be no terminal to prompt on.
    as_root=(sudo -n)
else
    echo "install-deps: missing ${missing[*]}; run as root or install sudo" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update </dev/null

# nginx, prometheus and redis-server are installed as programs for the tests to start on loopback, not as
# services: keep the package scripts from starting them (policy-rc.d exit 101 = "not allowed").
policy=/usr/sbin/policy-rc.d
added_policy=0
if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
    "${as_root[@]}" chmod +x "$policy"
    added_policy=1
fi
remove_policy() { if ((added_policy)); then "${as_root[@]}" rm -f "$policy"; fi; }
trap remove_policy EXIT

"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
echo "install-deps: done"
