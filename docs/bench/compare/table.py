#!/usr/bin/env python3
"""Markdown tables from compare.sh's results.tsv: the median of each workload on each system,
then every run's figure. A run with failed requests shows their count; one that measured nothing
shows a dash.

  table.py results.tsv
"""
import collections
import statistics
import sys

WORKLOADS = [
    ("put4k-seq", "4 KiB PUT, sequential (curl, keep-alive)"),
    ("get4k-seq", "4 KiB GET, sequential (curl, keep-alive)"),
    ("get4k-seq2", "4 KiB GET, sequential, second read of each"),
    ("get4k-wrk1", "4 KiB GET, sequential (wrk, one connection, each read again and again)"),
    ("put4k-c16", "4 KiB PUT, 16 at once (wrk, distinct content)"),
    ("get4k-c16", "4 KiB GET, 16 at once (wrk)"),
    ("put1g", "1 GiB PUT (curl)"),
    ("get1g", "1 GiB GET (curl)"),
    ("put1g-2", "1 GiB PUT, the second one (curl)"),
    ("get1g-2", "1 GiB GET of the second (curl)"),
    ("forced4k", "4 KiB forced append, sequential"),
]
SYSTEMS = [
    ("ostore", "ostore"),
    ("ostore-down1", "ostore, 1 data server down"),
    ("ostore-down2", "ostore, 2 data servers down"),
    ("ostore-data", "one ostore data server, direct"),
    ("ostore2", "ostore2"),
    ("ostore2-down1", "ostore2, 1 data server down"),
    ("ostore2-down2", "ostore2, 2 data servers down"),
    ("ostore2-data", "one ostore2 data server, direct"),
    ("go", "tutorial's Go code (chapter 2)"),
    ("go-data", "one Go data server, direct"),
    ("s3proxy", "S3Proxy (filesystem)"),
    ("disk", "disk (forced writes, direct reads)"),
]


# Ratios shown when both systems ran: (numerator, denominator).
RATIOS = [("ostore", "ostore2"), ("ostore", "go"), ("ostore", "s3proxy"),
          ("ostore-down1", "ostore"), ("ostore-down2", "ostore"),
          ("ostore2-down1", "ostore2"), ("ostore2-down2", "ostore2")]


def fmt(value, unit):
    return f"{value:,.0f} MB/s" if unit == "MB/s" else f"{value:,.0f}/s"


def main():
    rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])][1:]
    runs = collections.defaultdict(dict)  # (system, workload) -> {run: (value, unit, errors)}
    for run, system, workload, value, unit, errors in rows_of(rows):
        runs[(system, workload)][run] = (value, unit, errors)
    systems = [(s, label) for s, label in SYSTEMS if any(k[0] == s for k in runs)]
    run_ids = sorted({r for figures in runs.values() for r in figures}, key=int)

    def table(cell):
        out = ["| | " + " | ".join(label for _, label in systems) + " |",
               "|---|" + "---|" * len(systems)]
        for workload, label in WORKLOADS:
            cells = [cell(runs.get((s, workload), {})) for s, _ in systems]
            if any(c != "–" for c in cells):
                out.append(f"| {label} | " + " | ".join(cells) + " |")
        return "\n".join(out)

    def median(figures):
        clean = [v for v, _, e in figures.values() if e == 0 and v > 0]
        if not clean:
            return "–"
        unit = next(iter(figures.values()))[1]
        note = "" if len(clean) == len(run_ids) else f" ({len(clean)} of {len(run_ids)} runs)"
        return fmt(statistics.median(clean), unit) + note

    def per_run(figures):
        if not figures:
            return "–"
        parts = []
        for r in run_ids:
            if r not in figures:
                parts.append("–")
                continue
            v, unit, e = figures[r]
            parts.append(fmt(v, unit) + (f" ({e:,} failed)" if e else ""))
        return " · ".join(parts)

    print("Medians of runs without a failed request:\n")
    print(table(median))
    ratios = [(a, b) for a, b in RATIOS if any(k[0] == a for k in runs)
              and any(k[0] == b for k in runs)]
    if ratios:
        print("\nRatios, each the median (min–max) of the rounds' own ratios:\n")
        print(ratio_table(runs, ratios))
    print(f"\nEach run ({', '.join(run_ids)}):\n")
    print(table(per_run))


def ratio_table(runs, ratios):
    """Each round's figure of a system over the other's in the same round, where neither failed."""
    out = ["| | " + " | ".join(f"{a} ÷ {b}" for a, b in ratios) + " |",
           "|---|" + "---|" * len(ratios)]
    for workload, label in WORKLOADS:
        cells = []
        for a, b in ratios:
            top, bottom = runs.get((a, workload), {}), runs.get((b, workload), {})
            each = [top[r][0] / bottom[r][0] for r in top if r in bottom
                    and top[r][2] == 0 and bottom[r][2] == 0 and top[r][0] > 0 and bottom[r][0] > 0]
            cells.append(f"{statistics.median(each):.2f} ({min(each):.2f}–{max(each):.2f})"
                         if each else "–")
        if any(c != "–" for c in cells):
            out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def rows_of(rows):
    for run, system, workload, value, unit, errors, *_ in rows:
        yield run, system, workload, float(value or 0), unit, int(errors or 0)


if __name__ == "__main__":
    main()
