#!/usr/bin/env bash
# copydesk's whole check side by side with rensa (MinHash near-duplicate detection, from
# PyPI) on one generated collection, interleaved, several rounds.
#
#   scripts/peer-bench.sh [DOCUMENTS [ROUNDS [RENSA_THRESHOLD]]]    # defaults 20000 5 0.4
#
# Installs rensa into a virtual environment (target/peer-venv, or $PEER_VENV), builds
# copydesk in release mode, writes the collection with its planted near-duplicates
# (examples/write-corpus.rs) and runs scripts/peer_bench.py. RENSA_THRESHOLD is the
# Jaccard similarity rensa keeps pairs from; the planted copies reach down to about 0.4.
set -euo pipefail
cd "$(dirname "$0")/.."
documents=${1:-20000} rounds=${2:-5} threshold=${3:-0.4}
venv=${PEER_VENV:-target/peer-venv}

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "rensa==0.5.0"

cargo build --quiet --release --bin copydesk --example write-corpus
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/release/examples/write-corpus "$documents" "$work/corpus.jsonl" --truth "$work/planted.tsv"
"$venv/bin/python" scripts/peer_bench.py target/release/copydesk "$work/corpus.jsonl" "$work/planted.tsv" "$rounds" "$threshold"
