#!/usr/bin/env bash
# `copydesk check` on one process, on worker threads, and on 2 and 3 processes over
# 127.0.0.1: wall time, articles/s, peak memory of each process, the mebibytes of the
# collection each process reads, bytes exchanged per item, and whether every report is
# the one-process report.
#
#   scripts/dataflow-bench.sh [DOCUMENTS [ROUNDS]]    # defaults 20000 3
#
# Ports are reserved by binding port 0 on 127.0.0.1; nothing else is contacted. The
# collection is examples/write-corpus.rs with names and numbers (so stories relate too).
# Each configuration runs ROUNDS times, interleaved; the best wall time and the largest
# peak memory are reported.
set -euo pipefail
cd "$(dirname "$0")/.."
documents=${1:-20000} rounds=${2:-3}

cargo build --quiet --release --bin copydesk --example write-corpus
binary=target/release/copydesk
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/release/examples/write-corpus "$documents" "$work/corpus.jsonl" --facts
megabytes=$(du -m "$work/corpus.jsonl" | cut -f1)
echo "collection: $documents articles, $megabytes MB; $(nproc) cores; best of $rounds rounds"

free_ports() {
    python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print("\n".join("127.0.0.1:%d" % s.getsockname()[1] for s in socks))
for s in socks: s.close()' "$1"
}

# run NAME PROCESSES EXTRA... : one round of one configuration; appends
# "seconds peak_kb_per_process... sent_bytes" to $work/NAME.runs, and the bytes each
# process read to $work/NAME.read.
run() {
    local name=$1 processes=$2
    shift 2
    local start end pids=() i flags=()
    if [ "$processes" -gt 0 ]; then
        free_ports "$processes" >"$work/hosts"
    fi
    start=$(date +%s.%N)
    for ((i = 0; i < (processes > 0 ? processes : 1); i++)); do
        [ "$processes" -gt 0 ] && flags=(--hosts "$work/hosts" --process "$i")
        /usr/bin/time -f "%M" -o "$work/$name.$i.rss" \
            "$binary" check --no-config --format json "$work/corpus.jsonl" "${flags[@]}" "$@" \
            >"$work/$name.$i.json" 2>"$work/$name.$i.err" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || { status=$?; [ "$status" -le 1 ] || { cat "$work/$name".*.err >&2; exit 1; }; }
    done
    end=$(date +%s.%N)
    local rss=() sent=0 read=()
    for ((i = 0; i < ${#pids[@]}; i++)); do
        rss+=("$(tail -n 1 "$work/$name.$i.rss")")
        bytes=$(sed -n 's/.*sent \([0-9]*\) bytes.*/\1/p' "$work/$name.$i.err" | head -n 1)
        sent=$((sent + ${bytes:-0}))
        bytes=$(sed -n 's/.*reading \([0-9]*\) bytes.*/\1/p' "$work/$name.$i.err" | head -n 1)
        read+=("$(awk -v bytes="${bytes:-0}" 'BEGIN { printf "%.1f", bytes / 1048576 }')")
    done
    echo "$(echo "$end - $start" | bc) ${rss[*]} $sent" >>"$work/$name.runs"
    echo "${read[*]}" >"$work/$name.read"
    cmp -s "$work/$name.0.json" "$work/one.0.json" || [ "$name" = one ] || {
        echo "dataflow-bench: the $name report differs from the one-process report" >&2
        exit 1
    }
}

for ((round = 0; round < rounds; round++)); do
    run one 0
    run workers2 0 --workers 2
    run processes2 2
    run processes3 3
done

printf '%-22s %9s %11s %8s  %-28s %-24s %s\n' configuration seconds articles/s MB/s "peak MB per process" \
    "MiB read per process" "bytes sent per item"
for name in one workers2 processes2 processes3; do
    sort -n "$work/$name.runs" | head -n 1 >"$work/$name.best"
    read -r seconds rest <"$work/$name.best"
    fields=($rest)
    sent=${fields[-1]}
    unset 'fields[-1]'
    # The largest peak of each process over the rounds.
    peaks=()
    for ((i = 0; i < ${#fields[@]}; i++)); do
        peaks+=("$(awk -v col=$((i + 2)) '{ if ($col > max) max = $col } END { printf "%.0f", max / 1024 }' "$work/$name.runs")")
    done
    read=$(cat "$work/$name.read")
    [ "$read" = 0.0 ] && read=$megabytes
    printf '%-22s %9.2f %11.0f %8.1f  %-28s %-24s %.0f\n' "$name" "$seconds" \
        "$(echo "$documents / $seconds" | bc -l)" "$(echo "$megabytes / $seconds" | bc -l)" \
        "${peaks[*]}" "$read" "$(echo "$sent / $documents" | bc -l)"
done
echo "every report is byte for byte the one-process report"
