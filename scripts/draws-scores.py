#!/usr/bin/env python3
"""The validation score of each variant that docs/experiments/TrafficDraws.java prints, and its gap to a base
variant with the standard error over the traces (as scripts/paired-scores.py's "against expected-2").

usage: java -cp drl-train/target/drl.jar docs/experiments/TrafficDraws.java MODE [PARAM] runs/validation/*.csv \\
           | scripts/draws-scores.py [BASE]          (BASE: a variant's name, default e2)
Reads the per-trace lines ("TRACE greedy R name R ..."); a trace's set is its file name without -NN.csv, and the
score is the mean over the sets of the summed return as % of greedy's (as `drl sweep report` ranks).
"""
import os
import re
import statistics
import sys

from validation_gap import gap_and_se

base = sys.argv[1] if len(sys.argv) > 1 else "e2"
sets = {}
for line in sys.stdin:
    parts = line.split()
    if len(parts) < 3 or len(parts) % 2 == 0 or parts[1] != "greedy":
        continue  # not a per-trace line (totals, RMSE lines)
    returns = {parts[i]: float(parts[i + 1]) for i in range(1, len(parts), 2)}
    name = re.sub(r"(-[0-9]+)?\.csv$", "", os.path.basename(parts[0]))
    sets.setdefault(name, []).append(returns)
if not sets:
    sys.exit("standard input: no per-trace line (expected 'TRACE greedy R NAME R ...' lines of TrafficDraws.java)")
variants = [k for k in next(iter(sets.values()))[0] if k != "greedy"]
if base not in variants:
    sys.exit(f"base '{base}': no such variant (expected one of {', '.join(variants)})")
for v in variants:
    score = statistics.mean(100 * sum(r[v] for r in rows) / sum(r["greedy"] for r in rows) for rows in sets.values())
    gap, se = gap_and_se([[(r[v], r["greedy"], r[base]) for r in rows] for rows in sets.values()])
    per_set = " ".join(f"{n} {100 * sum(r[v] for r in rows) / sum(r['greedy'] for r in rows):.2f}"
                       for n, rows in sets.items())
    print(f"{v}: score {score:.3f}; against {base} {gap:+.3f} (se over the traces {se:.3f}); {per_set}")
