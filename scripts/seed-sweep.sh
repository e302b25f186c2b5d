#!/usr/bin/env bash
# Trains one setting over several seeds and scores every model.zip with drl evaluate's deterministic return on
# train-200, test-20, the 3 NASA validation windows and the 12 uniform validation traces (scripts/validation-traces.py),
# then prints per seed and mean +- standard deviation and the worst seed, each beside greedy.
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
  for set in paper nasa uniform; do
    case $set in
      paper) traces="$here/datasets/paper/train-200.csv,$here/datasets/paper/test-20.csv" ;;
      nasa) traces="$(ls "$dir"/nasa-*.csv | paste -sd,)" ;;
      uniform) traces="$(ls "$dir"/uniform-*.csv | paste -sd,)" ;;
    esac
    [[ -f "$run/eval-$set.json" ]] || $drl evaluate --model "$run/model.zip" --trace "$traces" --json --no-optimum \
      --lookahead 0 > "$run/eval-$set.json"
  done
done
python3 - "$out" $seeds <<'PY'
import json, statistics, sys
out, seeds = sys.argv[1], sys.argv[2:]
cols = {}
greedy = {}
for s in seeds:
    for part in ("paper", "nasa", "uniform"):
        rows = json.load(open(f"{out}/seed-{s}/eval-{part}.json"))
        model = [r for r in rows if r["policy"].startswith("model")]
        gr = [r for r in rows if r["policy"] == "greedy"]
        if part == "paper":
            names = ["train-200", "test-20"]
        elif part == "nasa":
            names = [f"nasa-{i}" for i in range(len(model))]
        else:
            names = None
        if names:
            for n, m, g in zip(names, model, gr):
                cols.setdefault(n, []).append(m["return"]); greedy[n] = g["return"]
        else:
            cols.setdefault("validation", []).append(sum(m["return"] for m in model) / len(model))
            greedy["validation"] = sum(g["return"] for g in gr) / len(gr)
secs = [float(open(f"{out}/seed-{s}.seconds").read()) for s in seeds]
print(f"{out}: seeds {' '.join(seeds)}; train wall {statistics.mean(secs):.0f} s per seed")
print(f"{'set':<11} {'greedy':>10} {'mean':>10} {'sd':>8} {'worst':>10} {'mean/greedy':>11} {'worst/greedy':>12}  per seed")
for n, v in cols.items():
    g = greedy[n]; m = statistics.mean(v); sd = statistics.stdev(v) if len(v) > 1 else 0
    print(f"{n:<11} {g:>10,.0f} {m:>10,.0f} {sd:>8,.0f} {min(v):>10,.0f} {100*m/g:>10.1f}% {100*min(v)/g:>11.1f}%  "
          + " ".join(f"{x:,.0f}" for x in v))
PY
