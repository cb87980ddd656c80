# Medians of docs/bench/collect/run.sh's rounds: CPU per collected content by build, and ops/s
# by op and concurrency with a pass running against idle, with the ratio of each round's pair.
#   python3 medians.py results.txt
import re, statistics, sys
cpu, rounds = {}, {}
for line in open(sys.argv[1]):
    m = re.match(r'cpu (\w+) round \d+: .* ms per content ([\d.]+)', line)
    if m:
        cpu.setdefault(m.group(1), []).append(float(m.group(2)))
    m = re.match(r'(\w+) (idle|during) (get|put) c=(\d+) .*ops_per_s: ([\d.]+)', line)
    if m:
        rev, phase, op, c = m.group(1), m.group(2), m.group(3), int(m.group(4))
        rounds.setdefault((rev, op, c), {}).setdefault(phase, []).append(float(m.group(5)))
for rev, ms in cpu.items():
    print(f"build {rev}: CPU per collected content, median {statistics.median(ms):.2f} ms"
          f" (rounds: {', '.join(f'{x:.2f}' for x in ms)})")
if rounds:
    print("build\top\tc\tidle median\tduring median\tratio of medians\tmedian of round ratios (n)")
for (rev, op, c), phases in rounds.items():
    idle, during = phases.get('idle', []), phases.get('during', [])
    if idle and during:
        i, d = statistics.median(idle), statistics.median(during)
        pairs = [b / a for a, b in zip(idle, during)]
        print(f"{rev}\t{op}\t{c}\t{i:.0f}\t{d:.0f}\t{d / i:.2f}\t{statistics.median(pairs):.2f}"
              f" ({len(pairs)})")
