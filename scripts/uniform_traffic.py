"""Uniform traffic in train-200's range, shared by scripts/validation-traces.py and scripts/short-traces.py."""
import csv
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_uniform(path, rows, seed):
    """Writes `rows` rows, every value an integer drawn uniformly from the per-column range of
    datasets/paper/train-200.csv (how train-200 itself is distributed), with Python's random.Random(seed)."""
    with open(os.path.join(ROOT, "datasets/paper/train-200.csv")) as f:
        table = list(csv.reader(f))
    header, data = table[0], [[int(x) for x in r] for r in table[1:]]
    lo = [min(c) for c in zip(*data)]
    hi = [max(c) for c in zip(*data)]
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for _ in range(rows):
            f.write(",".join(str(rng.randint(lo[k], hi[k])) for k in range(len(header))) + "\n")
