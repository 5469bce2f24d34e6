#!/usr/bin/env bash
# Benchmarks: the domain's layout/aggregation timings, then API vs direct Airflow latency.
# Usage: dev/bench.sh   (or: make bench)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$ROOT/dev/airflow/install.sh"
export AIRDECK_AIRFLOW_PORT="${AIRDECK_TEST_AIRFLOW_PORT:-28080}"
export AIRDECK_AIRFLOW_HOME="$AIRDECK_STATE/airflow-test"
export AIRDECK_AIRFLOW_DB=postgres
"$ROOT/dev/airflow/start.sh"
source "$ROOT/dev/airflow/env.sh"
step "domain benchmarks"
"$PY" "$ROOT/tests/bench/bench_domain.py"
step "API vs direct Airflow"
"$PY" "$ROOT/tests/bench/bench_api.py"
