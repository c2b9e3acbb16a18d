#!/usr/bin/env bash
# Configures and builds one variant with CMake and Ninja.
#
#   scripts/build.sh [release|asan]     (default: release)
#
#   release  build/release  RelWithDebInfo
#   asan     build/asan     RelWithDebInfo with AddressSanitizer + UndefinedBehaviorSanitizer;
#                           optimised so the tests stay fast, benchmarks left out (meaningless
#                           under sanitizers)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
variant="${1:-release}"

case "$variant" in
    release)
        options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAMPART_SANITIZE=OFF)
        ;;
    asan)
        options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAMPART_SANITIZE=ON -DRAMPART_BUILD_BENCH=OFF)
        ;;
    *)
        echo "usage: $0 [release|asan]" >&2
        exit 2
        ;;
esac

build_dir="$root/build/$variant"
cmake -S "$root" -B "$build_dir" -G Ninja "${options[@]}"
cmake --build "$build_dir" -j"$(nproc)"
