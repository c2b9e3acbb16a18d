#!/usr/bin/env bash
# Runs every test: builds the plain (release) and the sanitizer (asan) variants and runs
# ctest on each, a one-minute fault soak against the release build (bench/fault-soak.sh), the
# lock-free parts' tests under ThreadSanitizer (tsan), and every fuzz target for a bounded time
# (scripts/fuzz.sh). The limiter's concurrent exactness test also runs 300 times under each
# sanitizer: the race it guards against showed once in hundreds of runs. Exits non-zero if any
# step fails. Needs no display and no stdin.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/scripts/install-deps.sh" --console </dev/null

# GUI tests draw on Qt's offscreen platform; there is no display here.
export QT_QPA_PLATFORM=offscreen

variants=(release soak asan tsan fuzz)

# Bounded steps, so the whole run stays well inside CI's limit: each fuzz target runs this long,
# and the fault soak this many minutes (against the release build).
FUZZ_SECONDS=${RAMPART_FUZZ_SECONDS:-20}
SOAK_MINUTES=${RAMPART_SOAK_MINUTES:-1}

# The race in a shared limiter table needs many tries to show. Its fix was proven with 1,000
# runs under each sanitizer (RAMPART_REPEATS=1000); CI runs fewer to stay inside its time budget.
REPEATED_TEST=LimiterTable.concurrentTakesOnSharedKeysAreExact
REPEATS=${RAMPART_REPEATS:-300}

# The lock-free parts' tests (the same list as scripts/build.sh builds for tsan). The token cache
# is not among them: its shards are guarded by absl::Mutex, whose synchronisation ThreadSanitizer
# cannot see in Debian's uninstrumented abseil (every access would be reported).
TSAN_TESTS=(limits/limiter_table_test limits/rate_limiter_test limits/fleet_limiter_test
    metrics/check_metrics_test)

run_tsan() {
    local dir="$root/build/tsan/tests"
    "$root/scripts/build.sh" tsan </dev/null || return 1
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
    for test in "${TSAN_TESTS[@]}"; do
        "$dir/$test" </dev/null || return 1
    done
    "$dir/limits/limiter_table_test" --gtest_filter="$REPEATED_TEST" --gtest_repeat="$REPEATS" \
        --gtest_brief=1 </dev/null
}

run_variant() {
    local variant="$1"
    case "$variant" in
        tsan)
            run_tsan
            return
            ;;
        fuzz)
            "$root/scripts/fuzz.sh" "$FUZZ_SECONDS" </dev/null
            return
            ;;
        soak)
            "$root/bench/fault-soak.sh" "$root/build/release" "$SOAK_MINUTES" </dev/null
            return
            ;;
    esac
    local -a sanitizer_env=()
    if [[ "$variant" == asan ]]; then
        # Stack-use-after-return detection is off: it makes gRPC's many threads slow and
        # memory-hungry for little gain here.
        sanitizer_env=(
            ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
        )
    fi
    "$root/scripts/build.sh" "$variant" </dev/null &&
        env "${sanitizer_env[@]}" \
            ctest --test-dir "$root/build/$variant" --output-on-failure -j2 --timeout 300 </dev/null ||
        return 1
    if [[ "$variant" == asan ]]; then
        env "${sanitizer_env[@]}" "$root/build/asan/tests/limits/limiter_table_test" \
            --gtest_filter="$REPEATED_TEST" --gtest_repeat="$REPEATS" --gtest_brief=1 </dev/null
    fi
}

declare -A result elapsed
status=0
for variant in "${variants[@]}"; do
    echo "==> $variant"
    start=$SECONDS
    if run_variant "$variant"; then
        result[$variant]=passed
    else
        result[$variant]=FAILED
        status=1
    fi
    elapsed[$variant]=$((SECONDS - start))
done

echo
for variant in "${variants[@]}"; do
    printf 'test.sh: %-8s %-6s %4ss\n' "$variant" "${result[$variant]}" "${elapsed[$variant]}"
done
exit "$status"
