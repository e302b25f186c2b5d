#!/usr/bin/env python3
"""Writes 100 short traces of test-20's length drawn as train-200 is: test-20's question asked of many draws (docs/benchmarks.md,
"Short episodes").

short-000..099.csv: 20 rows each (a 19-step episode, as test-20's), every value an integer drawn uniformly from the
per-column range of datasets/paper/train-200.csv (how train-200 is distributed), Python's
random.Random(888000 + i). Disjoint from the validation traffic of scripts/validation-traces.py (seeds 777000 + i).
Used to report, never to choose a setting.
usage: scripts/short-traces.py OUT_DIR [COUNT]
"""
import os
import sys

from uniform_traffic import write_uniform

out = sys.argv[1] if len(sys.argv) > 1 else "runs/short"
count = int(sys.argv[2]) if len(sys.argv) > 2 else 100
os.makedirs(out, exist_ok=True)

for i in range(count):
    write_uniform(os.path.join(out, f"short-{i:03d}.csv"), 20, 888000 + i)
print(f"wrote {count} short traces to {out}")
