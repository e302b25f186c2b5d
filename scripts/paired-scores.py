#!/usr/bin/env python3
"""Each setting of a drl sweep, paired seed by seed with a base setting, on the validation score.

  scripts/paired-scores.py SWEEP_DIR [BASE_ID] [--also DIR]...      (BASE_ID: defaults)

--also DIR reads the finished trials of another sweep directory too (e.g. the base setting's, run by an earlier sweep
file on the same validation sets); its sweep must have the same base options (--profile, --trace) and, under each
validation set's name, the same traces and rows, and a setting and seed found twice is an error.

The validation score of a trial is the mean over the sweep's validation sets of the model's mean return as % of
greedy's (as `drl sweep report` ranks); "paired" is the mean over the seeds both settings ran of the setting's score
less the base's, with its standard deviation and standard error. "against expected-2" is the setting's score, its
return per trace averaged over its seeds, less expected-2's on the same traces, with a standard error that takes the
validation traces as the random units (per set, the per-trace differences' variance; the sets weigh alike, as in the
score): how far the setting is from the planner, and how finely the validation traces can tell.
"""
import glob
import json
import os
import statistics
import sys

from validation_gap import gap_and_se

args, also = [], []
argv = sys.argv[1:]
while argv:
    a = argv.pop(0)
    if a == "--also":
        if not argv:
            sys.exit("--also needs a sweep directory\n" + __doc__)
        also.append(argv.pop(0))
    else:
        args.append(a)
if len(args) not in (1, 2):
    sys.exit(__doc__)
out, base_id = args[0], args[1] if len(args) == 2 else "defaults"
sweep = json.load(open(os.path.join(out, "sweep.json")))
sets = [s["name"] for s in sweep["sets"] if s["validation"]]
if not sets:
    sys.exit(f"{out}/sweep.json: no validation set (expected at least one set with validation: true)")
for d in also:
    other = json.load(open(os.path.join(d, "sweep.json")))
    if other["base"] != sweep["base"]:
        sys.exit(f"{d}/sweep.json: base {' '.join(other['base'])}, expected {out}'s {' '.join(sweep['base'])}")
    theirs = {s["name"]: (s["traces"], s.get("rows")) for s in other["sets"]}
    for s in sweep["sets"]:
        if s["validation"] and s["name"] in theirs and theirs[s["name"]] != (s["traces"], s.get("rows")):
            sys.exit(f"{d}/sweep.json: set {s['name']} plays other traces or rows than {out}'s; pair only the same sets")
scores = {}
traces = {}  # setting -> set -> trace -> ([model return per seed], greedy, expected-2 or None)
for f in sorted(f for d in [out] + also for f in glob.glob(os.path.join(d, "*", "seed-*", "eval.json"))):
    e = json.load(open(f))["sets"]
    setting, seed = f.split(os.sep)[-3], int(f.split(os.sep)[-2][len("seed-"):])
    missing = [s for s in sets if s not in e]
    if missing:
        sys.exit(f"{f}: no set {', '.join(missing)} (expected every validation set of {out}/sweep.json)")
    if seed in scores.get(setting, {}):
        sys.exit(f"{f}: setting {setting} seed {seed} is in two of the directories read; give each once")
    scores.setdefault(setting, {})[seed] = sum(100 * e[s]["model"] / e[s]["greedy"] for s in sets) / len(sets)
    for s in sets:
        for t in e[s].get("traces", []):
            row = traces.setdefault(setting, {}).setdefault(s, {}).setdefault(t["trace"], ([], t["greedy"],
                                                                                         t.get("expected-2")))
            row[0].append(t["model"])


def against_expected(by_set):
    """The seeds' mean score less expected-2's and its standard error over the traces; None without expected-2."""
    per_set = [list(by_set.get(s, {}).values()) for s in sets]
    if any(not rows or any(r[2] is None for r in rows) for rows in per_set):
        return None
    return gap_and_se([[(statistics.mean(r[0]), r[1], r[2]) for r in rows] for rows in per_set])

if base_id not in scores:
    sys.exit(f"{out}: no finished trial of setting '{base_id}' (expected one of {', '.join(sorted(scores))})")
base = scores[base_id]
for setting, by_seed in scores.items():
    diffs = [by_seed[s] - base[s] for s in sorted(by_seed) if s in base]
    if not diffs:
        print(f"{setting}: score {statistics.mean(by_seed.values()):.3f} over seeds {sorted(by_seed)}; no seed in "
              f"common with {base_id} (seeds {sorted(base)}): not paired")
        continue
    sd = statistics.stdev(diffs) if len(diffs) > 1 else 0.0
    vs = against_expected(traces.get(setting, {}))
    vs_text = "" if vs is None else f"; against expected-2 {vs[0]:+.3f} (se over the traces {vs[1]:.3f})"
    print(f"{setting}: score {statistics.mean(by_seed.values()):.3f} over seeds {sorted(by_seed)}; paired with "
          f"{base_id} {statistics.mean(diffs):+.3f} (sd {sd:.3f}, se {sd / len(diffs) ** 0.5:.3f}, {len(diffs)} seeds)"
          f"{vs_text}")
