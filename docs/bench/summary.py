#!/usr/bin/env python3
"""Summarises small.sh or big.sh output: medians (min-max) per op and target with round 0
dropped, and the median of per-round throughput ratios to a baseline target.
  summary.py results.tsv BASELINE_LABEL"""
import collections, statistics, sys

lines = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
header, rows, base = lines[0], lines[1:], sys.argv[2]
small = header[1] == "op"  # small.sh: rates; big.sh: seconds per transfer


def fmt(values, digits):
    m = statistics.median(values)
    return f"{m:,.{digits}f} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


by = collections.defaultdict(dict)  # (op, c, target) -> {round: figures}
for row in rows:
    if row[0] == "0":
        continue
    if small:
        r, op, c, target, ops, p50, p99 = row[:7]
        if ops:
            by[(op, int(c), target)][r] = (float(ops), float(p50), float(p99))
    else:
        r, target, op, status, seconds = row[:5]
        if status == "200":
            by[(op, 0, target)][r] = (1 / float(seconds), float(seconds))

if small:
    print(f"| op | c | target | ops/s | p50 ms | p99 ms | ÷ {base} |\n|---|---|---|---|---|---|---|")
else:
    print(f"| op | target | seconds | ÷ {base} (throughput) |\n|---|---|---|---|")
for (op, c, target), rounds in sorted(by.items()):
    baseline = by[(op, c, base)]
    ratios = [v[0] / baseline[r][0] for r, v in rounds.items() if r in baseline]
    if small:
        print(f"| {op.upper()} | {c} | {target} | {fmt([v[0] for v in rounds.values()], 0)}"
              f" | {fmt([v[1] for v in rounds.values()], 2)}"
              f" | {fmt([v[2] for v in rounds.values()], 2)} | {fmt(ratios, 2)} |")
    else:
        print(f"| {op.upper()} | {target} | {fmt([v[1] for v in rounds.values()], 2)}"
              f" | {fmt(ratios, 2)} |")
