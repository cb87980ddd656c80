#!/usr/bin/env python3
"""Medians over the rounds of run.sh's results.tsv, compression on against off, with the
ratio of every round, as markdown tables.

    summary.py results.tsv
"""
import csv
import statistics
import sys

rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
kinds = [k for k in dict.fromkeys(r["kind"] for r in rows) if k != "small-put"]
MIB = 1 << 20


def pick(mode, kind):
    return {int(r["round"]): r for r in rows if r["mode"] == mode and r["kind"] == kind}


def fmt(values):
    return " ".join("%.2f" % v for v in values)


print("| content | size MiB | disk on/off | PUT MiB/s on | off | on/off (rounds) "
      "| GET MiB/s on | off | on/off (rounds) | GET gzip MiB/s (object bytes) | gzip bytes "
      "/ size | load avg |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for kind in kinds:
    on, off = pick("true", kind), pick("false", kind)
    rounds = sorted(set(on) & set(off))
    size = int(on[rounds[0]]["size"])
    mib = size / MIB

    def rate(rs, key):
        return [mib / float(rs[r][key]) for r in rounds]

    put_on, put_off = rate(on, "put_s"), rate(off, "put_s")
    get_on, get_off = rate(on, "get_s"), rate(off, "get_s")
    gzip_on = rate(on, "gzip_s")
    disk = [int(on[r]["disk"]) / int(off[r]["disk"]) for r in rounds]
    loads = [float(x[r]["load"]) for x in (on, off) for r in rounds]
    print("| %s | %.1f | %.3f | %.0f | %.0f | %.2f (%s) | %.0f | %.0f | %.2f (%s) | %.0f | %.3f "
          "| %.1f-%.1f |" % (
              kind, mib, statistics.median(disk), statistics.median(put_on),
              statistics.median(put_off),
              statistics.median([a / b for a, b in zip(put_on, put_off)]),
              fmt(a / b for a, b in zip(put_on, put_off)), statistics.median(get_on),
              statistics.median(get_off),
              statistics.median([a / b for a, b in zip(get_on, get_off)]),
              fmt(a / b for a, b in zip(get_on, get_off)), statistics.median(gzip_on),
              statistics.median(int(on[r]["gzip_bytes"]) / size for r in rounds),
              min(loads), max(loads)))

on, off = pick("true", "small-put"), pick("false", "small-put")
rounds = sorted(set(on) & set(off))
if rounds:
    ops_on = [float(on[r]["put_s"]) for r in rounds]
    ops_off = [float(off[r]["put_s"]) for r in rounds]
    loads = [float(x[r]["load"]) for x in (on, off) for r in rounds]
    print()
    print("| 4 KiB random PUTs, 4 threads | PUT/s on | off | on/off (rounds) | load avg |")
    print("|---|---|---|---|---|")
    print("| small-put | %.0f | %.0f | %.2f (%s) | %.1f-%.1f |" % (
        statistics.median(ops_on), statistics.median(ops_off),
        statistics.median([a / b for a, b in zip(ops_on, ops_off)]),
        fmt(a / b for a, b in zip(ops_on, ops_off)), min(loads), max(loads)))
