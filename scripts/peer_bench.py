"""copydesk's whole check side by side with rensa's near-duplicate detection, on one
generated collection, interleaved, several rounds. Run through scripts/peer-bench.sh,
which makes the virtual environment and the corpus.

    python peer_bench.py COPYDESK CORPUS.jsonl PLANTED.tsv ROUNDS RENSA_THRESHOLD

Prints each round, then for both the median time, throughput, peak memory (of the
process itself) and the recall of the planted near-duplicates, and the ratio of the
times.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile

COPIES = {"exact", "near_duplicate", "partial_copy"}


def planted(path):
    with open(path, encoding="utf-8") as rows:
        return {tuple(line.split("\t")[:2]) for line in rows if line.strip()}


# Starts a command and prints its wall time, exit status and own peak memory (KB). Linux
# gives a process forked from a large one the large one's peak as its own (the high-water
# mark survives exec), and this script grows as it reads the reports: each command is
# started from this small launcher instead, so that its peak is its own.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(time.perf_counter() - start, os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def timed(command):
    """Runs a command; gives its wall time in seconds and its own peak memory in KB."""
    launched = subprocess.run([sys.executable, "-c", LAUNCHER, *command], stdout=subprocess.PIPE, check=True, text=True)
    elapsed, code, peak = launched.stdout.split()
    if int(code) != 0:
        raise SystemExit(f"{command[0]} exited with {code}")
    return float(elapsed), int(peak)


def run_copydesk(binary, corpus, work):
    report = os.path.join(work, "copydesk.json")
    elapsed, peak = timed([binary, "check", corpus, "--format", "json", "-o", report, "--no-config", "--quiet"])
    with open(report, encoding="utf-8") as written:
        document = json.load(written)
    pairs = set()
    for item in document["items"]:
        for relation in item.get("relations", []):
            if relation["kind"] in COPIES:
                pairs.add((item["id"], relation["other"]))
                pairs.add((relation["other"], item["id"]))
    return elapsed, peak, pairs


def run_rensa(corpus, work, threshold):
    out = os.path.join(work, "rensa.tsv")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peer_rensa.py")
    elapsed, peak = timed([sys.executable, script, corpus, out, str(threshold)])
    pairs = set()
    with open(out, encoding="utf-8") as rows:
        for line in rows:
            later, earlier = line.rstrip("\n").split("\t")
            pairs.add((later, earlier))
            pairs.add((earlier, later))
    return elapsed, peak, pairs


def main():
    binary, corpus, truth, rounds, threshold = sys.argv[1:6]
    rounds, threshold = int(rounds), float(threshold)
    wanted = planted(truth)
    size = os.path.getsize(corpus)
    with open(corpus, encoding="utf-8") as rows:
        articles = sum(1 for _ in rows)
    times = {"copydesk": [], "rensa": []}
    found = {}
    peaks = {}
    with tempfile.TemporaryDirectory() as work:
        for round_ in range(1, rounds + 1):
            # Interleaved, and in alternating order, so that neither always runs warm.
            order = ["copydesk", "rensa"] if round_ % 2 else ["rensa", "copydesk"]
            for tool in order:
                if tool == "copydesk":
                    elapsed, peak, pairs = run_copydesk(binary, corpus, work)
                else:
                    elapsed, peak, pairs = run_rensa(corpus, work, threshold)
                peaks[tool] = max(peaks.get(tool, 0), peak)
                times[tool].append(elapsed)
                found[tool] = pairs
                print(f"round {round_}: {tool:8} {elapsed:7.2f} s")
    print()
    print(f"collection: {articles:,} articles, {size / 1e6:.1f} MB, {len(wanted):,} planted near-duplicates")
    for tool in ("copydesk", "rensa"):
        median = statistics.median(times[tool])
        recall = sum(1 for pair in wanted if pair in found[tool]) / max(len(wanted), 1)
        print(
            f"{tool:8} median {median:6.2f} s  {articles / median:9,.0f} articles/s  "
            f"{size / 1e6 / median:6.1f} MB/s  peak {peaks[tool] / 1024:6.0f} MB  recall {recall:.3f}"
        )
    ratio = statistics.median(times["copydesk"]) / statistics.median(times["rensa"])
    print(f"ratio copydesk / rensa: {ratio:.2f} (copydesk's whole check against rensa's near-duplicates alone)")


if __name__ == "__main__":
    main()
