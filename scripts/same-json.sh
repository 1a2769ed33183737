#!/usr/bin/env bash
# Compares the JSON reports of two copydesk binaries byte for byte: on the seeds, on each
# fixture folder, and on a generated collection (plain and with names and numbers).
#
#   scripts/same-json.sh BEFORE_BINARY AFTER_BINARY [DOCUMENTS]
#
# Build BEFORE from the commit to compare with, e.g.
#   git worktree add /tmp/before REV && cargo build --release --manifest-path /tmp/before/Cargo.toml
set -euo pipefail
cd "$(dirname "$0")/.."
before=$1 after=$2 documents=${3:-5000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo run --quiet --release --example write-corpus -- "$documents" "$work/plain.jsonl"
cargo run --quiet --release --example write-corpus -- "$documents" "$work/facts.jsonl" --facts

inputs=(seeds "$work/plain.jsonl" "$work/facts.jsonl")
for folder in fixtures/*/; do inputs+=("${folder%/}"); done

failed=0
for input in "${inputs[@]}"; do
    # The exit statuses are compared too (1 means findings).
    status_before=0 status_after=0
    "$before" check "$input" --format json --no-config >"$work/before.json" 2>/dev/null || status_before=$?
    "$after" check "$input" --format json --no-config >"$work/after.json" 2>/dev/null || status_after=$?
    if cmp -s "$work/before.json" "$work/after.json" && [ "$status_before" -eq "$status_after" ]; then
        echo "same       $input ($(wc -c <"$work/after.json") bytes, exit $status_after)"
    else
        echo "DIFFERENT  $input (exit $status_before before, $status_after after)"
        diff <(tr ',' '\n' <"$work/before.json") <(tr ',' '\n' <"$work/after.json") | head -20
        failed=1
    fi
done
exit $failed
