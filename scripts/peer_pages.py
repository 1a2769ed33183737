"""trafilatura and htmldate on a labelled page folder, by the measures of
examples/eval-pages.rs. Run through scripts/peer-pages.sh.

    python peer_pages.py FOLDER

Main text: the share of `with` snippets found in it and of `without` snippets (page
furniture) left in it, white space collapsed. Dates: the share of dated pages whose day
equals the label.
"""

import gzip
import json
import sys
import time
from pathlib import Path

import htmldate
import trafilatura


def collapse(text):
    return " ".join(text.split())


def main():
    folder = Path(sys.argv[1])
    labels = json.loads((folder / "labels.json").read_text())
    pages = []
    for address, label in labels.items():
        raw = gzip.decompress((folder / "pages" / (label["file"] + ".gz")).read_bytes())
        pages.append((address if address.startswith("http") else None, label, raw))

    for comments in (True, False):
        found = snippets = leaked = furniture = 0
        start = time.perf_counter()
        for url, label, raw in pages:
            text = trafilatura.extract(raw, url=url, include_comments=comments) or ""
            body = collapse(text)
            snippets += len(label.get("with", []))
            found += sum(collapse(s) in body for s in label.get("with", []))
            furniture += len(label.get("without", []))
            leaked += sum(collapse(s) in body for s in label.get("without", []))
        rate = len(pages) / (time.perf_counter() - start)
        print(
            f"trafilatura {trafilatura.__version__}, comments {'kept' if comments else 'left out'}: "
            f"snippet recall {100 * found / snippets:.1f}% ({found}/{snippets}), "
            f"furniture leaked {100 * leaked / furniture:.1f}% ({leaked}/{furniture}), {rate:.0f} pages/s"
        )

    dated = [(url, label, raw) for url, label, raw in pages if label.get("date")]
    tools = {
        f"htmldate {htmldate.__version__} fast": lambda raw, url: htmldate.find_date(
            raw, url=url, extensive_search=False, outputformat="%Y-%m-%d"
        ),
        f"htmldate {htmldate.__version__} extensive": lambda raw, url: htmldate.find_date(
            raw, url=url, extensive_search=True, outputformat="%Y-%m-%d"
        ),
        f"trafilatura {trafilatura.__version__} metadata": lambda raw, url: getattr(
            trafilatura.extract_metadata(raw, default_url=url), "date", None
        ),
    }
    for name, find in tools.items():
        right = 0
        for url, label, raw in dated:
            try:
                right += find(raw, url) == label["date"]
            except Exception:  # a peer that fails on a page answers nothing for it
                pass
        print(f"{name}: date {right}/{len(dated)} day-exact = {100 * right / len(dated):.1f}%")


if __name__ == "__main__":
    main()
