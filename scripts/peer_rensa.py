"""Near-duplicate detection with rensa, end to end: read a JSON Lines collection, shingle
each text (5 words within a paragraph, lower case, as copydesk does), MinHash it (128
permutations), index the signatures in rensa's LSH (its bands chosen for the threshold)
and keep the candidate pairs whose
estimated Jaccard similarity reaches the threshold.

    python peer_rensa.py CORPUS.jsonl PAIRS.tsv [THRESHOLD]

Writes one pair per line (later id, earlier id) and prints the seconds it took.
"""

import json
import re
import sys
import time

from rensa import RMinHash, RMinHashLSH

WORD = re.compile(r"\w+")


def shingles(text):
    found = []
    for paragraph in text.lower().split("\n"):
        words = WORD.findall(paragraph)
        found.extend(" ".join(words[i : i + 5]) for i in range(len(words) - 4))
    return found


def bands_for(threshold, permutations=128):
    """The number of LSH bands whose S-curve rises just below the threshold: with b bands
    of r rows a pair becomes likely from a similarity of about (1/b)^(1/r)."""
    below = [b for b in (2, 4, 8, 16, 32, 64) if (1 / b) ** (b / permutations) <= threshold]
    return min(below, default=64)


def main():
    corpus, out = sys.argv[1], sys.argv[2]
    threshold = float(sys.argv[3]) if len(sys.argv) > 3 else 0.8
    start = time.perf_counter()
    ids, sets = [], []
    with open(corpus, encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line)
            ids.append(row["id"])
            sets.append(shingles(row.get("text", "")))
    hashes = RMinHash.from_token_sets(sets, 128, 42)
    index = RMinHashLSH(threshold=threshold, num_perm=128, num_bands=bands_for(threshold))
    index.insert_many(hashes)
    pairs = []
    for later, candidates in enumerate(index.query_all(hashes)):
        for earlier in candidates:
            if earlier < later and hashes[later].jaccard(hashes[earlier]) >= threshold:
                pairs.append((ids[later], ids[earlier]))
    elapsed = time.perf_counter() - start
    with open(out, "w", encoding="utf-8") as written:
        for later, earlier in pairs:
            written.write(f"{later}\t{earlier}\n")
    print(f"{elapsed:.3f}")


if __name__ == "__main__":
    main()
