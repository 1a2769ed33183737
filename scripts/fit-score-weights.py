#!/usr/bin/env python3
"""Measure copydesk's source scores against outlet quality ratings, and fit the weights.

Usage:
    copydesk check ITEMS.jsonl --no-config --format json -q -o report.json
    python3 scripts/fit-score-weights.py report.json OUTLETS.tsv [--folds K]

OUTLETS.tsv has a header and the columns `domain` and `pc1` (a rating from 0, lowest, to 1,
highest); a report source is matched to the domain of the same name. The script prints:

- Spearman's rho of the report's scores with the rating (with a 90% bootstrap interval)
  and the AUROC of the score for rating >= 0.7 against rating < 0.5;
- each criterion's rho alone;
- weights fitted by non-negative least squares of the rating's rank on the criteria's
  values, under K-fold cross-validation over outlets (the held-out outlets scored with
  weights fitted without them, as copydesk scores: the weighted mean of the values), with
  the cross-validated rho and AUROC;
- the weights fitted on all outlets as `copydesk.toml` lines.

The criteria named with --fixed keep the weight given (copies, freshness and garbled
text: a collection of rated outlets with one article per outlet per story cannot tell how
much they matter); the others share the rest of the 100 points as fitted.

Only the standard library is used.
"""

import argparse
import json
import random
import sys


def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    out = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2
        i = j + 1
    return out


def pearson(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    num = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    den = (sum((x - ma) ** 2 for x in a) * sum((y - mb) ** 2 for y in b)) ** 0.5
    return num / den if den else 0.0


def spearman(a, b):
    return pearson(ranks(a), ranks(b))


def auroc(scores, ratings, high=0.7, low=0.5):
    pos = [s for s, r in zip(scores, ratings) if r >= high]
    neg = [s for s, r in zip(scores, ratings) if r < low]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def bootstrap_rho(scores, ratings, rounds=2000, seed=0):
    rng = random.Random(seed)
    n = len(scores)
    values = []
    for _ in range(rounds):
        pick = [rng.randrange(n) for _ in range(n)]
        values.append(spearman([scores[i] for i in pick], [ratings[i] for i in pick]))
    values.sort()
    return values[int(0.05 * rounds)], values[int(0.95 * rounds) - 1]


def nnls(rows, targets, ridge=1e-3, sweeps=2000):
    """Least squares with non-negative weights and a free intercept (coordinate descent)."""
    k = len(rows[0])
    n = len(rows)
    means = [sum(r[j] for r in rows) / n for j in range(k)]
    ty = sum(targets) / n
    x = [[r[j] - means[j] for j in range(k)] for r in rows]
    y = [t - ty for t in targets]
    w = [0.0] * k
    residual = y[:]
    norms = [sum(row[j] ** 2 for row in x) + ridge for j in range(k)]
    for _ in range(sweeps):
        change = 0.0
        for j in range(k):
            if norms[j] <= ridge:
                continue
            gradient = sum(x[i][j] * residual[i] for i in range(n))
            new = max(0.0, w[j] + gradient / norms[j])
            delta = new - w[j]
            if delta:
                for i in range(n):
                    residual[i] -= delta * x[i][j]
                w[j] = new
                change = max(change, abs(delta))
        if change < 1e-10:
            break
    return w


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report")
    parser.add_argument("outlets")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument(
        "--fixed",
        default="originality=15,no_unattributed_copies=15,freshness=10,clean_text=10",
        help="criteria whose weight is set, not fitted: NAME=WEIGHT,...",
    )
    args = parser.parse_args()

    with open(args.outlets) as f:
        header = f.readline().rstrip("\n").split("\t")
        rating = {}
        for line in f:
            cells = dict(zip(header, line.rstrip("\n").split("\t")))
            rating[cells["domain"]] = float(cells["pc1"])
    with open(args.report) as f:
        report = json.load(f)
    sources = [s for s in report["sources"] if s["name"] in rating]
    missing = sorted(set(rating) - {s["name"] for s in sources})
    if missing:
        print(f"not scored: {', '.join(missing)}", file=sys.stderr)
    names = [c["name"] for c in sources[0]["criteria"]]
    y = [rating[s["name"]] for s in sources]
    scores = [s["score"] for s in sources]
    values = [[c["value"] for c in s["criteria"]] for s in sources]

    lo, hi = bootstrap_rho(scores, y)
    print(f"outlets scored: {len(sources)} of {len(rating)}")
    print(f"score: rho {spearman(scores, y):+.3f} (90% bootstrap {lo:+.2f} to {hi:+.2f}), AUROC {auroc(scores, y):.3f}")
    print("\ncriterion                  rho alone   AUROC alone")
    for j, name in enumerate(names):
        column = [v[j] for v in values]
        print(f"  {name:<24} {spearman(column, y):+9.3f}   {auroc(column, y):11.3f}")

    fixed = {}
    for pair in filter(None, args.fixed.split(",")):
        name, weight = pair.split("=")
        fixed[name.strip()] = float(weight)
    free = [j for j, name in enumerate(names) if name not in fixed]
    budget = 100.0 - sum(fixed.values())
    target = [r / (len(y) - 1) for r in ranks(y)]

    def fit(indices):
        w = nnls([[values[i][j] for j in free] for i in indices], [target[i] for i in indices])
        total = sum(w)
        weights = {name: weight for name, weight in fixed.items()}
        for j, wj in zip(free, w):
            weights[names[j]] = budget * wj / total if total else budget / len(free)
        return [weights.get(name, 0.0) for name in names]

    def score(weights, row):
        return sum(w * v for w, v in zip(weights, row)) / (sum(weights) or 1.0)

    # Cross-validation over outlets, repeated over shuffles.
    rhos, aucs = [], []
    for repeat in range(args.repeats):
        order = list(range(len(sources)))
        random.Random(repeat).shuffle(order)
        predicted = [0.0] * len(sources)
        for fold in range(args.folds):
            held = set(order[fold :: args.folds])
            weights = fit([i for i in range(len(sources)) if i not in held])
            for i in held:
                predicted[i] = score(weights, values[i])
        rhos.append(spearman(predicted, y))
        aucs.append(auroc(predicted, y))
    rhos.sort()
    aucs.sort()
    mean = lambda xs: sum(xs) / len(xs)
    print(
        f"\n{args.folds}-fold cross-validation over outlets, {args.repeats} shuffles: "
        f"rho {mean(rhos):+.3f} (from {rhos[0]:+.3f} to {rhos[-1]:+.3f}), "
        f"AUROC {mean(aucs):.3f} (from {aucs[0]:.3f} to {aucs[-1]:.3f})"
    )

    weights = fit(range(len(sources)))
    fitted = [score(weights, v) for v in values]
    print(f"\nweights fitted on all outlets (in-sample rho {spearman(fitted, y):+.3f}, AUROC {auroc(fitted, y):.3f}):")
    print("[score]")
    for name, weight in zip(names, weights):
        basis = "set" if name in fixed else "fitted"
        print(f"{name} = {{ weight = {weight:.1f} }}  # {basis}")


if __name__ == "__main__":
    main()
