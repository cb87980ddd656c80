# Medians of docs/bench/collect/run.sh's rounds: ops/s by phase, op and concurrency, and the
# pass-running rounds against the idle ones (before and after together).
#   python3 medians.py results.txt
import re, statistics, sys
rounds = {}
for line in open(sys.argv[1]):
    m = re.match(r'(idle-before|during|idle-after) (get|put) c=(\d+) .*ops_per_s: ([\d.]+)', line)
    if m:
        phase, op, c, ops = m.group(1), m.group(2), int(m.group(3)), float(m.group(4))
        rounds.setdefault((op, c), {}).setdefault(phase, []).append(ops)
print("op\tc\tidle median (n)\tduring median (n)\tduring / idle")
for (op, c), phases in sorted(rounds.items()):
    idle = phases.get('idle-before', []) + phases.get('idle-after', [])
    during = phases.get('during', [])
    if idle and during:
        i, d = statistics.median(idle), statistics.median(during)
        print(f"{op}\t{c}\t{i:.0f} ({len(idle)})\t{d:.0f} ({len(during)})\t{d / i:.2f}")
