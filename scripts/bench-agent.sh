#!/usr/bin/env bash
# Benchmark of the live agent (docs/benchmarks.md, "Live agent"): decision latency p50/p99 over N
# simulated cycles (predict + policy + bookkeeping, no network), JVM start to ready, and peak RSS.
#
# Usage: scripts/bench-agent.sh [CYCLES] [POLICY] [PREDICTOR]
#   CYCLES     default 1000 (rows of datasets/nasa/nasa-http-1995.csv, 4320 available)
#   POLICY     a saved model.zip trained for profile 'paper', or a planner name (default: greedy)
#   PREDICTOR  a Bi-LSTM file pattern with {service} (e.g. runs/predictor/nasa-http-1995-{service}.zip),
#              or holt / last-value / moving-average (default: holt)
# Runs the shaded jar (built if missing) with --simulate --dry-run: nothing is written anywhere but a
# temporary directory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cycles="${1:-1000}"
policy="${2:-greedy}"
predictor="${3:-holt}"
jar=drl-agent/target/drl-agent.jar
if [[ ! -f "$jar" ]]; then
  mvn -B -ntp -q package -DskipTests -pl drl-agent -am >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [[ -f "$policy" ]]; then
  policy_yaml="{model: $(realpath "$policy")}"
else
  policy_yaml="{planner: $policy}"
fi
if [[ "$predictor" == *"{service}"* ]]; then
  predictor_yaml="{kind: bilstm, model: '$(realpath "$(dirname "$predictor")")/$(basename "$predictor")'}"
else
  predictor_yaml="{kind: $predictor}"
fi
cat > "$work/agent.yaml" <<YAML
profile: paper
prometheus: {url: "http://127.0.0.1:9"}
services:
  - {name: house, query: 'locust_users{job="generator1"}'}
  - {name: senti, query: 'locust_users{job="generator2"}'}
  - {name: numbr, query: 'locust_users{job="generator3"}'}
policy: $policy_yaml
predictor: $predictor_yaml
historyDir: history
stateDir: state
http: {enabled: false}
YAML

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)" >&2
echo "policy: $policy_yaml  predictor: $predictor_yaml  cycles: $cycles" >&2
DRL_AGENT_LOG_LEVEL=INFO java -Xmx256m -jar "$jar" --config "$work/agent.yaml" --dry-run \
    --simulate datasets/nasa/nasa-http-1995.csv --cycles "$cycles" > "$work/out.log" 2>&1 || {
  tail -20 "$work/out.log" >&2
  exit 1
}
grep -E "ready .* ms after JVM start|simulated [0-9]+ cycles" "$work/out.log" | sed -E 's/^[^ ]+ [A-Z]+ +[^ ]+ - //'
