#!/usr/bin/env python3
"""Shares of a profile's samples by step: shares.py STACKS LABEL=REGEX...

STACKS is async-profiler's collapsed output (one stack per line, frames joined by ';', then the
sample count). Each stack counts for the first LABEL whose REGEX it matches (searched in the whole
stack, outermost frame first); the rest count as "other". Prints each step's share of all samples.
"""
import re
import sys

path, *specs = sys.argv[1:]
steps = [(label, re.compile(regex)) for label, regex in (s.split('=', 1) for s in specs)]
counts = {label: 0 for label, _ in steps}
counts['other'] = 0
total = 0
for line in open(path):
    stack, n = line.rstrip('\n').rsplit(' ', 1)
    total += int(n)
    label = next((label for label, regex in steps if regex.search(stack)), 'other')
    counts[label] += int(n)
for label, n in counts.items():
    print(f'{label}\t{100 * n / total:.1f}%')
print(f'samples\t{total}')
