#!/usr/bin/env bash
# Runs every test: builds the plain (release) and the sanitizer (asan) variants and runs
# ctest on each. Exits non-zero if either variant fails to build or has a failing test.
# Needs no display and no stdin.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/scripts/install-deps.sh" --console </dev/null

# GUI tests draw on Qt's offscreen platform; there is no display here.
export QT_QPA_PLATFORM=offscreen

variants=(release asan)

run_variant() {
    local variant="$1"
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
            ctest --test-dir "$root/build/$variant" --output-on-failure -j2 --timeout 300 </dev/null
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
