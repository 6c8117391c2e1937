#!/usr/bin/env bash
# Fuzzes every reader of bytes someone else made (fuzz/fuzz_targets/): measurement and benchmark
# files (CSV, text, Excel), each connector's input, column mappings, the loss inputs, the report
# narrative and scenario files. Any crash, panic, leak or run past the memory limit fails.
#
#   scripts/fuzz.sh --ci            every target for 20 s (FUZZ_SECONDS to change)
#   scripts/fuzz.sh                 every target for 10 minutes
#   scripts/fuzz.sh TARGET [SECS]   one target
#
# Needs the nightly toolchain (rustup toolchain install nightly); installs cargo-fuzz when
# missing. The corpus grows in fuzz/corpus/<target>/ (seeds are committed; what the fuzzer adds
# is ignored by git); crashes are written to fuzz/artifacts/<target>/ and each one found is
# kept as a regression test in the crate's own tests.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"

seconds="${FUZZ_SECONDS:-600}"
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --ci) seconds="${FUZZ_SECONDS:-20}" ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        [0-9]*) seconds="$1" ;;
        *) targets+=("$1") ;;
    esac
    shift
done

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi

all=0
if [ ${#targets[@]} -eq 0 ]; then
    all=1
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

# Seeds kept elsewhere in the repository, copied in (the corpus keeps what it already has).
samples="$root/crates/mieruka-connectors/tests/samples"
seed() {
    mkdir -p "corpus/$1"
    cp -n "$samples/$2" "corpus/$1/" 2>/dev/null || true
}
seed defectdojo defectdojo_findings.json
seed gophish gophish_results.csv
seed gophish gophish_previous.csv
seed openscap xccdf_results.xml
seed openscap xccdf_app01.xml
seed openscap hosts.csv

start=$(date +%s)
if [ "$all" = 1 ]; then
    # Every target in one build: one cargo run, the targets compiled and linked side by side.
    if ! cargo +nightly fuzz build --release; then
        echo "fuzz: the targets do not build" >&2
        exit 1
    fi
else
    for t in "${targets[@]}"; do
        if ! cargo +nightly fuzz build --release "$t"; then
            echo "fuzz: $t does not build" >&2
            exit 1
        fi
    done
fi
echo "fuzz: built in $(( $(date +%s) - start )) s"

failed=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    echo "fuzz: $t for ${seconds} s"
    if ! cargo +nightly fuzz run --release "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -max_len=262144 -timeout=20 -print_final_stats=1 \
        -artifact_prefix="artifacts/$t/" >"artifacts/$t.log" 2>&1; then
        failed+=("$t")
        echo "fuzz: $t FAILED; the input is in fuzz/artifacts/$t/, the log in fuzz/artifacts/$t.log" >&2
        grep -E "^(==[0-9]+==ERROR|thread .* panicked|SUMMARY|Test unit written)" "artifacts/$t.log" | head -n 8 >&2 || true
    else
        grep -E "^stat::number_of_executed_units" "artifacts/$t.log" | sed "s/^/fuzz: $t /" || true
    fi
done
echo "fuzz: done in $(( $(date +%s) - start )) s"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
    exit 1
fi
