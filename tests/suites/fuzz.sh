#!/usr/bin/env bash
# tests/suites/fuzz.sh: each libFuzzer harness of tests/fuzz, built with clang
# (ASan+UBSan) by scripts/fuzz, run for a few seconds (FUZZ_SECONDS, default
# 5) on its corpus: so that neither rt's clang build nor a harness can rot
# unnoticed. `scripts/fuzz 600` is the long run.
set -uo pipefail
cd "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/../.."
seconds=${FUZZ_SECONDS:-5}
root=$(pwd)
n=1
if scripts/fuzz --build > /tmp/rt-fuzz-build.$$ 2>&1; then
    echo "ok 1 - the fuzz harnesses and rt's core build with clang"
else
    echo "not ok 1 - the fuzz harnesses and rt's core build with clang"
    sed 's/^/#   /' /tmp/rt-fuzz-build.$$
    rm -f /tmp/rt-fuzz-build.$$
    echo "1..1"
    exit 1
fi
rm -f /tmp/rt-fuzz-build.$$
for source in tests/fuzz/fuzz_*.cpp; do
    fuzzer=$(basename "$source" .cpp)
    n=$((n + 1))
    corpus=tests/fuzz/corpus/${fuzzer#fuzz_}
    work=$(mktemp -d)
    # Runs from the corpus copy (new inputs go to the scratch dir, not the tree).
    if (cd build-fuzz && "./tests/fuzz/$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix="$root/build-fuzz/$fuzzer-" "$work" "../$corpus") > "$work/log" 2>&1; then
        echo "ok $n - $fuzzer: ${seconds}s on its corpus, nothing found"
    else
        echo "not ok $n - $fuzzer found a crash, a leak or a hang (or did not run)"
        tail -30 "$work/log" | sed 's/^/#   /'
        ls build-fuzz/"$fuzzer"-* 2>/dev/null | sed "s/^/#   input: /"
    fi
    rm -rf "$work"
done
echo "1..$n"
