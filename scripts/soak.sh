#!/usr/bin/env bash
# The fault-injection soak of issue #14 (drl-agent SoakIT) with the benchmark's longer settings: the agent jar
# killed with SIGKILL RESTARTS times at seeded random moments, run until at least CYCLES cycles were logged,
# against a Prometheus that fails in every way and an API server answering 409/503 to some writes.
# Prints the figures docs/benchmarks.md quotes (also in drl-agent/target/soak/report-SEED.txt; the agents'
# logs, histories and state stay in drl-agent/target/soak/run-SEED/).
#
# Usage: scripts/soak.sh [RESTARTS] [CYCLES] [SEED] [maven options...]
#   RESTARTS  default 100     CYCLES  default 1000     SEED  default 14
# e.g. scripts/soak.sh 100 1000 14 -o   (offline)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

restarts="${1:-100}"
cycles="${2:-1000}"
seed="${3:-14}"
shift $(( $# < 3 ? $# : 3 ))
start=$(date +%s)
# the unit tests are skipped (no test matches), the integration tests filtered to SoakIT
mvn -B -ntp -q "$@" -pl drl-agent -am verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=SoakIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dsoak.restarts="$restarts" -Dsoak.cycles="$cycles" -Dsoak.seed="$seed" > drl-agent/target/soak.log 2>&1 \
  || { tail -60 drl-agent/target/soak.log; cat "drl-agent/target/soak/report-$seed.txt" 2>/dev/null || true
       echo "soak FAILED (full output: drl-agent/target/soak.log)"; exit 1; }
echo "soak passed in $(( $(date +%s) - start )) s (with the build); figures:"
cat "drl-agent/target/soak/report-$seed.txt"
