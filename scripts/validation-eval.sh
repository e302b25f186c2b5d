#!/usr/bin/env bash
# Scores saved policies on the held-out validation traces (scripts/validation-traces.py): the mean
# deterministic episode return on the 12 uniform synthetic traces, on the 3 NASA windows and on the 7 windows of the
# late-August web day (the third set, since 2026-12-06) and on the 4 high-load windows of the Thursday trace (the
# fourth, since 2026-12-06, later), each beside the greedy planner's. This is how training settings were chosen (docs/benchmarks.md); test-20 is never used.
# usage: scripts/validation-eval.sh MODEL.zip [MODEL.zip ...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${VALIDATION_DIR:-$here/runs/validation}"
[[ -f "$dir/uniform-11.csv" && -f "$dir/nasa-3880.csv" && -f "$dir/web-late-1200.csv" && -f "$dir/web-high-2200.csv" ]] || python3 "$here/scripts/validation-traces.py" "$dir" >&2
score() {
  "$here/drl" evaluate --model "$1" --trace "$2" --json --no-optimum --no-expected --lookahead 0 | python3 -c '
import json, sys
rows = json.load(sys.stdin)
model = [r["return"] for r in rows if r["policy"].startswith("model")]
greedy = [r["return"] for r in rows if r["policy"] == "greedy"]
print(f"{sys.argv[1]} mean {sum(model) / len(model):,.0f} (greedy {sum(greedy) / len(greedy):,.0f}, "
      f"{100 * sum(model) / sum(greedy):.1f} %)", end="")' "$3"
}
[[ $# -ge 1 ]] || { echo "usage: scripts/validation-eval.sh MODEL.zip [MODEL.zip ...]" >&2; exit 2; }
for m in "$@"; do
  [[ -f "$m" ]] || { echo "scripts/validation-eval.sh: $m: no such file (expected a saved policy, drl train's model.zip)" >&2; exit 2; }
done
for m in "$@"; do
  echo -n "$m: "
  score "$m" "$(ls "$dir"/uniform-*.csv | paste -sd,)" uniform
  echo -n "; "
  score "$m" "$(ls "$dir"/nasa-*.csv | paste -sd,)" nasa
  echo -n "; "
  score "$m" "$(ls "$dir"/web-late-*.csv | paste -sd,)" web-late
  echo -n "; "
  score "$m" "$(ls "$dir"/web-high-*.csv | paste -sd,)" web-high
  echo
done
