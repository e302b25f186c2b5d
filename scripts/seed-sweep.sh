#!/usr/bin/env bash
# Trains one setting over several seeds and scores every model.zip with drl evaluate's deterministic return on
# train-200, test-20, the three held-out NASA windows (rows 600:800, 2040:2240, 3480:3680 of
# datasets/nasa/nasa-http-1995-scaled100.csv) and the validation traffic of scripts/validation-traces.py (12 uniform
# traces, 3 other NASA windows; the only traffic to choose settings on), then prints per seed, mean, standard
# deviation and the worst seed, each beside the greedy planner and the expected-2 planner when the table has it.
# usage: scripts/seed-sweep.sh OUT_DIR "SEEDS" [drl train options ...]
#   e.g. scripts/seed-sweep.sh runs/sweep-full "1 2 3 4 5" --observation full
set -euo pipefail
# DRL: the drl command to run (default: ./drl), e.g. a frozen jar while the sources change
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
drl="${DRL:-$here/drl}"
out="$1"; seeds="$2"; shift 2
dir="${VALIDATION_DIR:-$here/runs/validation}"
[[ -f "$dir/uniform-11.csv" && -f "$dir/nasa-3880.csv" ]] || python3 "$here/scripts/validation-traces.py" "$dir" >&2
mkdir -p "$out"
for s in $seeds; do
  run="$out/seed-$s"
  if [[ ! -f "$run/model.zip" ]]; then
    start=$(date +%s.%N)
    $drl train --profile paper --trace "$here/datasets/paper/train-200.csv" --seed "$s" --out "$run" "$@" \
      > "$run.log" 2>&1 || { echo "seed $s failed: $run.log" >&2; exit 1; }
    echo "$(date +%s.%N) - $start" | bc > "$run.seconds"
  fi
  for set in paper nasa uniform held-600 held-2040 held-3480; do
    rows=()
    case $set in
      paper) traces="$here/datasets/paper/train-200.csv,$here/datasets/paper/test-20.csv" ;;
      nasa) traces="$(ls "$dir"/nasa-*.csv | paste -sd,)" ;;
      uniform) traces="$(ls "$dir"/uniform-*.csv | paste -sd,)" ;;
      held-*) traces="$here/datasets/nasa/nasa-http-1995-scaled100.csv"; from=${set#held-}; rows=(--rows "$from:$((from + 200))") ;;
    esac
    [[ -f "$run/eval-$set.json" ]] || $drl evaluate --model "$run/model.zip" --trace "$traces" "${rows[@]}" --json \
      --no-optimum --lookahead 0 > "$run/eval-$set.json"
  done
done
python3 - "$out" $seeds <<'PY'
import json, statistics, sys
out, seeds = sys.argv[1], sys.argv[2:]
cols, ref = {}, {}
def add(name, model, refs):
    cols.setdefault(name, []).append(model)
    ref[name] = refs
for s in seeds:
    for part in ("paper", "held-600", "held-2040", "held-3480", "nasa", "uniform"):
        rows = json.load(open(f"{out}/seed-{s}/eval-{part}.json"))
        by = {}
        for r in rows:
            by.setdefault("model" if r["policy"].startswith("model") else r["policy"], []).append(r["return"])
        refs = {k: v for k, v in by.items() if k in ("greedy", "expected-2")}
        if part == "paper":
            for i, n in enumerate(["train-200", "test-20"]):
                add(n, by["model"][i], {k: v[i] for k, v in refs.items()})
        elif part.startswith("held"):
            add("nasa " + part[5:], by["model"][0], {k: v[0] for k, v in refs.items()})
        else:
            add("valid " + part, statistics.mean(by["model"]), {k: statistics.mean(v) for k, v in refs.items()})
secs = [float(open(f"{out}/seed-{s}.seconds").read()) for s in seeds]
print(f"{out}: seeds {' '.join(seeds)}; train wall {statistics.mean(secs):.0f} s per seed")
print(f"{'set':<14} {'greedy':>9} {'expected-2':>10} {'mean':>9} {'sd':>7} {'worst':>9} {'mean/gr':>8} {'worst/gr':>8} {'mean/e2':>8}  per seed")
for n, v in cols.items():
    g = ref[n]["greedy"]; e = ref[n].get("expected-2", float("nan")); m = statistics.mean(v)
    sd = statistics.stdev(v) if len(v) > 1 else 0
    print(f"{n:<14} {g:>9,.0f} {e:>10,.0f} {m:>9,.0f} {sd:>7,.0f} {min(v):>9,.0f} {100*m/g:>7.1f}% {100*min(v)/g:>7.1f}% {100*m/e:>7.1f}%  "
          + " ".join(f"{x:,.0f}" for x in v))
PY
