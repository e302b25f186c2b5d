#!/usr/bin/env python3
"""Plays trained two-step models and the expected-2 planner with several seeds of their traffic draws
(docs/benchmarks.md, "Draws of the next period's load").

Both draw 64 samples of the next period's load per decision from the same fitted distribution, seeded by
`drl evaluate --seed K`; one seed is one draw of a randomised planner. This plays every model (and expected-2
beside it) with each seed K on each set and prints, per set, the mean over the models and seeds against the
mean of expected-2 over the same seeds, with the spread of each. Reported only; nothing is chosen on it.

usage: scripts/sample-seeds.py [--validation] OUT.json K1,K2,... MODEL.zip [MODEL.zip ...]
The sets are those of sweeps/defaults.yaml that are single traces: train-200, test-20 and the three held-out NASA
windows; with --validation, the four validation sets of runs/validation (make them once with
scripts/validation-traces.py runs/validation), each return summed over the set's traces, and per seed the validation
score (the mean over the sets of the return as % of greedy's, as `drl sweep report` ranks) of the models' mean and of
expected-2, with their difference, and that difference averaged over the models and seeds with its standard error over
the traces. DRL (default: ./drl) is the command that runs drl; JOBS (default 2) evaluations
run at a time. Finished evaluations are kept in OUT.json, so an interrupted run resumes.
"""
import concurrent.futures
import glob
import json
import os
import statistics
import subprocess
import sys
import threading

from validation_gap import gap_and_se

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
drl = os.environ.get("DRL", os.path.join(here, "drl")).split()
nasa = os.path.join(here, "datasets/nasa/nasa-http-1995-scaled100.csv")
SETS = [
    ("train-200", [os.path.join(here, "datasets/paper/train-200.csv")], None),
    ("test-20", [os.path.join(here, "datasets/paper/test-20.csv")], None),
    ("nasa-600", [nasa], "600:800"),
    ("nasa-2040", [nasa], "2040:2240"),
    ("nasa-3480", [nasa], "3480:3680"),
]

args = sys.argv[1:]
validation = bool(args) and args[0] == "--validation"
if validation:
    args = args[1:]
    SETS = []
    for name in ["uniform", "nasa", "web-late", "web-high"]:
        traces = sorted(glob.glob(os.path.join(here, "runs/validation", name + "-*.csv")))
        if not traces:
            sys.exit(f"runs/validation/{name}-*.csv: no trace (make them: scripts/validation-traces.py runs/validation)")
        SETS.append(("valid-" + name, traces, None))
if len(args) < 3:
    sys.exit("usage: scripts/sample-seeds.py [--validation] OUT.json K1,K2,... MODEL.zip [MODEL.zip ...]")
out, seeds, models = args[0], [int(k) for k in args[1].split(",")], args[2:]
results = json.load(open(out)) if os.path.exists(out) else {}
lock = threading.Lock()


def play(model, name, traces, rows, seed):
    """The model's, greedy's and expected-2's returns on one set with one seed of the draws (cached in OUT)."""
    key = f"{model}|{name}|{seed}"
    with lock:
        if key in results:
            return results[key]
    cmd = drl + ["evaluate", "--model", model, "--trace", ",".join(traces), "--no-optimum", "--lookahead", "0",
                 "--seed", str(seed), "--json"]
    if rows:
        cmd += ["--rows", rows]
    got = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    ret, per_trace = {}, {}
    for r in got:  # one row per policy and trace: a set's return is the sum over its traces
        policy = "model" if r["policy"].startswith("model") else r["policy"]
        ret[policy] = ret.get(policy, 0.0) + r["return"]
        per_trace.setdefault(r["trace"], {})[policy] = r["return"]
    with lock:
        results[key] = {"model": ret["model"], "greedy": ret["greedy"], "expected-2": ret["expected-2"],
                        "traces": {t: {k: v[k] for k in ("model", "greedy", "expected-2")} for t, v in per_trace.items()}}
        with open(out + ".tmp", "w") as f:
            json.dump(results, f, indent=1)
        os.replace(out + ".tmp", out)
        return results[key]


with concurrent.futures.ThreadPoolExecutor(int(os.environ.get("JOBS", "2"))) as pool:
    for f in [pool.submit(play, m, *s, k) for s in SETS for k in seeds for m in models]:
        f.result()

print(f"{len(models)} models x seeds {seeds}; mean over them against expected-2's mean over the same seeds")
print(f"{'set':10} {'greedy':>9} {'e2 mean':>9} {'e2 sd':>7} {'e2 min..max':>19} {'model mean':>10} {'sd':>7} "
      f"{'model/e2':>8} {'model/gr':>8}")
for name, traces, rows in SETS:
    e2, mine, greedy = [], [], None
    for seed in seeds:
        for m in models:
            r = play(m, name, traces, rows, seed)
            mine.append(r["model"])
            greedy = r["greedy"]
        e2.append(r["expected-2"])
    me, mm = statistics.mean(e2), statistics.mean(mine)
    print(f"{name:10} {greedy:9,.0f} {me:9,.0f} {statistics.pstdev(e2):7,.0f} {min(e2):9,.0f}..{max(e2):9,.0f} "
          f"{mm:10,.0f} {statistics.pstdev(mine):7,.0f} {100 * mm / me:7.2f}% {100 * mm / greedy:7.2f}%")

if validation:
    print("validation score per seed (mean over the sets of % of greedy): the models' mean, expected-2, difference")
    diffs = []
    def score(model, seed, policy):
        """The validation score of one policy in one evaluation of model with one seed of the draws."""
        cells = [play(model, *s, seed) for s in SETS]
        return statistics.mean(100 * c[policy] / c["greedy"] for c in cells)

    for seed in seeds:
        model_score = statistics.mean(score(m, seed, "model") for m in models)
        e2_score = score(models[0], seed, "expected-2")
        diffs.append(model_score - e2_score)
        print(f"seed {seed}: {model_score:.3f} {e2_score:.3f} {model_score - e2_score:+.3f}")
    if len(diffs) > 1:
        print(f"difference over the seeds: mean {statistics.mean(diffs):+.3f}, sd {statistics.stdev(diffs):.3f}, "
              f"se {statistics.stdev(diffs) / len(diffs) ** 0.5:.3f}")
    # as scripts/paired-scores.py's "against expected-2": per trace, the model's return averaged over the models and
    # seeds less expected-2's averaged over the seeds; the standard error is over the traces (each set weighs alike)
    per_set = []
    for name, traces, rows in SETS:
        cells = [play(m, name, traces, rows, seed) for m in models for seed in seeds]
        if any("traces" not in c for c in cells):
            sys.exit(f"{out}: evaluations cached without per-trace returns; use a new OUT.json for the standard error")
        e2_cells = [play(models[0], name, traces, rows, seed) for seed in seeds]
        per_set.append([(statistics.mean(c["traces"][t]["model"] for c in cells), cells[0]["traces"][t]["greedy"],
                         statistics.mean(c["traces"][t]["expected-2"] for c in e2_cells)) for t in cells[0]["traces"]])
    gap, se = gap_and_se(per_set)
    print(f"against expected-2, averaged over the models and seeds: {gap:+.3f} (se over the traces {se:.3f})")
