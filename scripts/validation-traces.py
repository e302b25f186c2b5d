#!/usr/bin/env python3
"""Writes the held-out validation traces used to choose training settings (docs/benchmarks.md, "Policy training").

uniform-00..11.csv: 200 rows each, every value an integer drawn uniformly from the per-column range of
datasets/paper/train-200.csv (how train-200 itself is distributed), Python's random.Random(777000 + i).
nasa-1000.csv, nasa-2440.csv, nasa-3880.csv: rows 1000:1200, 2440:2640 and 3880:4080 of
datasets/nasa/nasa-http-1995-scaled100.csv (real, autocorrelated web traffic; disjoint from the windows
reported as held-out in docs/benchmarks.md).
web-late-0000.csv .. web-late-1200.csv (added 2026-12-06): the seven whole 200-row windows of
datasets/nasa/nasa-http-1995-aug28-scaled100.csv (one day each of Monday to Wednesday, 28-30 August 1995: night,
morning, the high-load afternoon and the evening; days no other trace of the project uses). Sweep files from
2026-12-06 on score them as a third validation set; the older ones name only the first two.
web-high-0600.csv, -0800, -2000, -2200 (added 2026-12-06, later): the high-load windows of
datasets/nasa/nasa-http-1995-thu-scaled100.csv, i.e. its whole 200-row windows whose three services' mean load is at
least 65 (76-84; every other window is below 60). That trace was fresh held-out traffic, played once by the defaults
(docs/benchmarks.md, "Fresh held-out web traffic"); having been looked at, its high-load windows become a fourth
validation set, the only one on which the defaults show the learnt value's cost under sustained high load. Fresh
held-out traffic for what is chosen on it: datasets/nasa/nasa-http-1995-aug31*.csv.

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
with open(os.path.join(root, "datasets/nasa/nasa-http-1995-aug28-scaled100.csv")) as f:
    late = list(csv.reader(f))
for start in range(0, len(late) - 1 - 199, 200):
    with open(os.path.join(out, f"web-late-{start:04d}.csv"), "w") as f:
        f.write(",".join(late[0]) + "\n")
        for r in late[1 + start:1 + start + 200]:
            f.write(",".join(r) + "\n")
with open(os.path.join(root, "datasets/nasa/nasa-http-1995-thu-scaled100.csv")) as f:
    thu = list(csv.reader(f))
high = []
for start in range(0, len(thu) - 1 - 199, 200):
    rows = thu[1 + start:1 + start + 200]
    if sum(float(v) for r in rows for v in r) / (200 * len(thu[0])) >= 65:
        high.append(start)
        with open(os.path.join(out, f"web-high-{start:04d}.csv"), "w") as f:
            f.write(",".join(thu[0]) + "\n")
            for r in rows:
                f.write(",".join(r) + "\n")
if high != [600, 800, 2000, 2200]:
    sys.exit(f"the high-load windows of the Thursday trace are {high}, expected [600, 800, 2000, 2200]")
print(f"wrote 12 uniform, 3 NASA, 7 late-August web and 4 high-load web validation traces to {out}")
