#!/usr/bin/env bash
# copydesk's reading of pages side by side with trafilatura and htmldate (Python, from
# PyPI) on one labelled page folder, by the measures of examples/eval-pages.rs.
#
#   scripts/peer-pages.sh [FOLDER]    # default ../shared/real/pages-dev
#
# FOLDER holds labels.json and pages/<file>.gz (see examples/eval-pages.rs). Installs the
# peers into a virtual environment (target/peer-venv, or $PEER_VENV) and prints, for each
# tool, the snippet recall and furniture leak of the main text (trafilatura with and
# without comments: the measures count comment sections as furniture), the day-exact date
# accuracy (htmldate fast and extensive, trafilatura's metadata) and pages per second; then
# copydesk's own figures from eval-pages.
set -euo pipefail
cd "$(dirname "$0")/.."
folder=${1:-../shared/real/pages-dev}
venv=${PEER_VENV:-target/peer-venv}

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    "trafilatura==2.3.1" "htmldate==1.11.0" "lxml_html_clean==0.4.7"
"$venv/bin/python" scripts/peer_pages.py "$folder"
cargo run --quiet --release --example eval-pages -- "$folder"
