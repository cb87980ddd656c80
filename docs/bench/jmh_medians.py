#!/usr/bin/env python3
"""Medians of JMH throughput results, as MiB/s, from one or more JMH JSON files (-rf json).

Each measurement iteration counts as one sample; ops/s times the MiB one operation handles
(CodecBenchmark and ObjectRuleBenchmark: 4) gives MiB/s. Prints TSV: benchmark, params, median,
min, max, samples.

  python3 docs/bench/jmh_medians.py 4 /tmp/codecbench/codec-*.json
"""
import json
import statistics
import sys


def main():
    mib_per_op = float(sys.argv[1])
    for path in sys.argv[2:]:
        for result in json.load(open(path)):
            samples = [s * mib_per_op for fork in result["primaryMetric"]["rawData"]
                       for s in fork]
            params = " ".join(f"{k}={v}" for k, v in sorted(result.get("params", {}).items()))
            name = result["benchmark"].rsplit(".", 1)[1]
            print(f"{name}\t{params}\t{statistics.median(samples):.0f}\t{min(samples):.0f}"
                  f"\t{max(samples):.0f}\t{len(samples)}")


if __name__ == "__main__":
    main()
