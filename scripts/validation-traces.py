#!/usr/bin/env python3
"""Writes the held-out validation traces used to choose training settings (docs/benchmarks.md, "Policy training").

uniform-00..11.csv: 200 rows each, every value an integer drawn uniformly from the per-column range of
datasets/paper/train-200.csv (how train-200 itself is distributed), Python's random.Random(777000 + i).
nasa-1000.csv, nasa-2440.csv, nasa-3880.csv: rows 1000:1200, 2440:2640 and 3880:4080 of
datasets/nasa/nasa-http-1995-scaled100.csv (real, autocorrelated web traffic; disjoint from the windows
reported as held-out in docs/benchmarks.md).

Neither set contains test-20 or anything derived from it.
usage: scripts/validation-traces.py OUT_DIR
"""
import csv
import os
import sys

from uniform_traffic import write_uniform

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1] if len(sys.argv) > 1 else "runs/validation"
os.makedirs(out, exist_ok=True)

for i in range(12):
    write_uniform(os.path.join(out, f"uniform-{i:02d}.csv"), 200, 777000 + i)

with open(os.path.join(root, "datasets/nasa/nasa-http-1995-scaled100.csv")) as f:
    nasa = list(csv.reader(f))
for start in (1000, 2440, 3880):
    with open(os.path.join(out, f"nasa-{start}.csv"), "w") as f:
        f.write(",".join(nasa[0]) + "\n")
        for r in nasa[1 + start:1 + start + 200]:
            f.write(",".join(r) + "\n")
print(f"wrote 12 uniform and 3 NASA validation traces to {out}")
