#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang, ASan + UBSan) and runs each one for a bounded time
# on a scratch copy of its seed corpus. Exits non-zero on any crash, leak, timeout or
# out-of-memory, and names the reproducer. Needs no display and no stdin. See FUZZING.md.
#
#   scripts/fuzz.sh [seconds-per-target]        (default: 60)
#
#   RAMPART_FUZZ_JOBS     build parallelism (default: nproc)
#   RAMPART_FUZZ_TARGETS  space-separated subset of targets to run (default: all)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [seconds-per-target]" >&2
    exit 2
fi

# Each target with the longest input worth trying: a little past the limit the code enforces
# (token 8 KiB, HTTP header 16 KiB), or a size that covers every shape the parser knows.
declare -A max_len=(
    [token]=9000
    [jwks]=16384
    [config]=4096
    [state_file]=8192
    [http_session]=20000
    [cidr]=256
    [control]=2048
)
all_targets=(token jwks config state_file http_session cidr control)
read -r -a targets <<<"${RAMPART_FUZZ_TARGETS:-${all_targets[*]}}"

build_dir="$root/build/fuzz"
CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DRAMPART_BUILD_FUZZ=ON -DRAMPART_BUILD_CONSOLE=OFF \
    -DRAMPART_BUILD_TESTS=OFF -DRAMPART_BUILD_BENCH=OFF </dev/null >/dev/null
build_start=$SECONDS
cmake --build "$build_dir" --target fuzz -j"${RAMPART_FUZZ_JOBS:-$(nproc)}" </dev/null
echo "fuzz: build took $((SECONDS - build_start)) s"

# Crashes, leaks and timeouts stay here after the run; the grown corpus does not.
artifacts="$build_dir/artifacts"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/rampart-fuzz.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
if command -v llvm-symbolizer >/dev/null 2>&1; then
    export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer)}"
fi

# The value of libFuzzer's final "stat::<name>:" line, or of the last "<name>: N" on a progress line.
final_stat() { sed -n "s/^stat::$2: *//p" "$1" | tail -n 1; }
progress_stat() { grep -oE " $2: [0-9]+" "$1" | tail -n 1 | awk '{print $2}'; }

declare -A result
failed=0
run_start=$SECONDS
printf '%-13s %12s %9s %7s %8s %7s  %s\n' target executions exec/s cov ft corpus result
for target in "${targets[@]}"; do
    binary="$build_dir/fuzz/fuzz_$target"
    if [[ ! -x "$binary" || -z "${max_len[$target]:-}" ]]; then
        echo "fuzz: no target \"$target\"" >&2
        exit 2
    fi
    corpus="$scratch/corpus-$target"
    mkdir -p "$corpus" "$artifacts/$target"
    cp -r "$root/fuzz/corpus/$target/." "$corpus/"
    dict=()
    [[ -f "$root/fuzz/dict/$target.dict" ]] && dict=(-dict="$root/fuzz/dict/$target.dict")
    log="$build_dir/fuzz-$target.log"
    status=0
    "$binary" "$corpus" "${dict[@]}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="${max_len[$target]}" \
        -print_final_stats=1 -artifact_prefix="$artifacts/$target/" </dev/null >"$log" 2>&1 ||
        status=$?
    corpus_size="$(find "$corpus" -type f | wc -l)"
    if ((status == 0)); then
        result[$target]=ok
    else
        result[$target]="FAILED (exit $status)"
        failed=1
    fi
    printf '%-13s %12s %9s %7s %8s %7s  %s\n' "$target" \
        "$(final_stat "$log" number_of_executed_units)" "$(final_stat "$log" average_exec_per_sec)" \
        "$(progress_stat "$log" cov)" "$(progress_stat "$log" ft)" "$corpus_size" "${result[$target]}"
    if ((status != 0)); then
        # What libFuzzer found, and the input that shows it.
        grep -E "ERROR: |SUMMARY: |==[0-9]+==|Test unit written to|Base64: " "$log" | head -n 20 | sed 's/^/    /'
        echo "    full log: $log"
        for reproducer in $(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | sort -u); do
            echo "    reproducer: $reproducer"
            echo "    replay: $binary $reproducer"
        done
    fi
done
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, run took $((SECONDS - run_start)) s"
if ((failed)); then
    echo "fuzz: FAILED — reproducers under $artifacts" >&2
    exit 1
fi
echo "fuzz: no crash, leak or timeout"
