#!/usr/bin/env bash
# Compares the JSON reports of two copydesk binaries byte for byte: on the seeds, on each
# fixture folder, and on a generated collection (plain and with names and numbers); then
# runs against an archive: ingests, checks against it and per-source reports from it.
#
#   scripts/same-json.sh BEFORE_BINARY AFTER_BINARY [DOCUMENTS]
#
# Build BEFORE from the commit to compare with, e.g.
#   git worktree add /tmp/before REV && cargo build --release --manifest-path /tmp/before/Cargo.toml
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(realpath "$1") after=$(realpath "$2") documents=${3:-5000}
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
# Runs against an archive: each binary builds its own, from the same inputs at the same
# times, in a folder of its own (the report names the archive by the path given).
for side in before after; do mkdir -p "$work/$side"; done
root=$PWD
half=$(( $(wc -l <"$work/facts.jsonl") / 2 ))
head -n "$half" "$work/facts.jsonl" >"$work/first.jsonl"
tail -n +"$((half + 1))" "$work/facts.jsonl" >"$work/second.jsonl"
archive_runs=(
    "ingest $work/first.jsonl --seen-at 2021-03-01"
    "check $work/second.jsonl --archive archive.sqlite3"
    "ingest $work/second.jsonl --seen-at 2021-04-01"
    "ingest $root/fixtures/stories --seen-at 2024-01-01"
    "ingest $root/fixtures/copies --seen-at 2024-02-01"
    "ingest $root/seeds --seen-at 2024-11-25"
    "ingest $root/seeds --seen-at 2024-11-26"
    "check $root/fixtures/copies --archive archive.sqlite3"
    "check $root/fixtures/sources --archive archive.sqlite3"
    "check $root/fixtures/stories --archive archive.sqlite3"
    "sources --until 2024-12-31 --since 400d"
)
for run in "${archive_runs[@]}"; do
    read -r -a args <<<"$run"
    status_before=0 status_after=0
    extra=(--format json --no-config)
    [ "${args[0]}" = check ] || extra+=(--archive archive.sqlite3)
    (cd "$work/before" && "$before" "${args[@]}" "${extra[@]}" >report.json 2>/dev/null) || status_before=$?
    (cd "$work/after" && "$after" "${args[@]}" "${extra[@]}" >report.json 2>/dev/null) || status_after=$?
    if [ "${args[0]}" = check ]; then
        # A check stores nothing: its time of sighting is the time it ran.
        sed -i -E 's/"seen_at": "[^"]*"/"seen_at": "(now)"/' "$work/before/report.json" "$work/after/report.json"
    fi
    if cmp -s "$work/before/report.json" "$work/after/report.json" && [ "$status_before" -eq "$status_after" ]; then
        echo "same       ${args[*]} ($(wc -c <"$work/after/report.json") bytes, exit $status_after)"
    else
        echo "DIFFERENT  ${args[*]} (exit $status_before before, $status_after after)"
        diff <(tr ',' '\n' <"$work/before/report.json") <(tr ',' '\n' <"$work/after/report.json") | head -20
        failed=1
    fi
done
exit $failed
