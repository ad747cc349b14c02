#!/usr/bin/env bash
# Runs every fuzz target for a bounded time from the committed corpus (fuzz/corpus/<target>);
# inputs the run finds go to a scratch directory, never into the repository. A crash, a
# timeout or an allocation over the limits below fails the run, and libFuzzer leaves the
# input in fuzz/artifacts/<target>/.
#
#   FUZZ_SECONDS   seconds per target (default 15)
#   FUZZ_TARGETS   targets to run (default: all seven)
#
# Plain stable Rust: no sanitizer (`-s none`; the workspace forbids unsafe code, and a
# panic, an overflow or an oversized allocation is what the targets look for), with debug
# assertions on so an integer overflow is a finding. Every target runs under a heap limit
# of 256 MiB (src/lib.rs): asking for more aborts, and libFuzzer reports the input.
# Installs cargo-fuzz 0.13.2 if missing. The build goes to fuzz/target (not the
# workspace's target/: the coverage instrumentation changes every crate's build).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${FUZZ_SECONDS:-15}
targets=${FUZZ_TARGETS:-"bundle bundle_resigned frames invite peer_addr stored_document merge"}
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --version 0.13.2 --locked
fi
flags=(-s none --debug-assertions)
cargo fuzz build "${flags[@]}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for t in $targets; do
    mkdir -p "$scratch/$t"
    echo "== fuzz $t for ${seconds}s"
    # -rss_limit_mb: the whole process's resident memory; -malloc_limit_mb: any one
    # allocation (seen by libFuzzer only under a sanitizer; the heap limit above holds
    # without one); -timeout: seconds for one input.
    status=0
    cargo fuzz run "${flags[@]}" "$t" "$scratch/$t" "corpus/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=1024 -malloc_limit_mb=256 -timeout=10 \
        -print_final_stats=1 >"$scratch/$t.log" 2>&1 || status=$?
    grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^(Done|==[0-9]+== ERROR)|panicked|^SUMMARY' "$scratch/$t.log" || true
    if [ "$status" -ne 0 ]; then
        tail -n 40 "$scratch/$t.log"
        echo "fuzz target $t failed (exit $status)"
        exit "$status"
    fi
done
