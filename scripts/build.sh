#!/usr/bin/env bash
# Configures and builds one variant with CMake and Ninja.
#
#   scripts/build.sh [release|asan]     (default: release)
#
#   release  build/release  RelWithDebInfo
#   asan     build/asan     RelWithDebInfo with AddressSanitizer + UndefinedBehaviorSanitizer;
#                           optimised so the tests stay fast, benchmarks left out (meaningless
#                           under sanitizers)
#   tsan     build/tsan     RelWithDebInfo with ThreadSanitizer, agent only, and only the tests of
#                           the lock-free parts (scripts/test.sh runs them); gRPC and the other
#                           system libraries are not instrumented, so the rest would only show
#                           false reports
set -euo pipefail

# The tests of the parts that share memory between threads without a lock: limiter tables,
# global and fleet leases, per-thread metrics (scripts/test.sh says why not the token cache).
TSAN_TESTS=(limiter_table_test rate_limiter_test fleet_limiter_test check_metrics_test)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
variant="${1:-release}"
targets=()

case "$variant" in
    release)
        options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAMPART_SANITIZE=OFF)
        ;;
    asan)
        options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAMPART_SANITIZE=ON -DRAMPART_BUILD_BENCH=OFF)
        ;;
    tsan)
        options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAMPART_SANITIZE_THREAD=ON
            -DRAMPART_BUILD_BENCH=OFF -DRAMPART_BUILD_CONSOLE=OFF)
        targets=("${TSAN_TESTS[@]}")
        ;;
    *)
        echo "usage: $0 [release|asan|tsan]" >&2
        exit 2
        ;;
esac

build_dir="$root/build/$variant"
cmake -S "$root" -B "$build_dir" -G Ninja "${options[@]}"
if ((${#targets[@]})); then
    cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]}"
else
    cmake --build "$build_dir" -j"$(nproc)"
fi
