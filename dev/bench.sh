#!/usr/bin/env bash
# Benchmarks: the domain's layout/aggregation timings, then Airdeck side by side with direct
# Airflow calls (throughput, latency cold and warm, Airflow calls, memory, UI first rows), then
# alerts' failure-to-delivery latency (a real failing run, a real worker, a loopback webhook).
# Usage: dev/bench.sh   (or: make bench)
# Runs against a bench Airflow of its own on PostgreSQL (127.0.0.1:$AIRDECK_BENCH_AIRFLOW_PORT,
# default 28280, home .airdeck/airflow-bench) that loads the example DAGs plus the generated big
# ones in dev/bench/dags (500 DAGs, a 1,000-task DAG, a 2,100-instance mapped task, a DAG given
# 1,000 daily runs by one backfill the first time). That Airflow is stopped afterwards unless
# AIRDECK_BENCH_KEEP_AIRFLOW=1 (the next run then reuses it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$ROOT/dev/services.sh"
"$ROOT/dev/system-packages.sh"
"$ROOT/dev/airflow/install.sh"
"$ROOT/dev/web/install.sh"
if ! command -v wrk >/dev/null; then
  step "installing wrk (the load generator)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq wrk >/dev/null
fi

export AIRDECK_AIRFLOW_PORT="${AIRDECK_BENCH_AIRFLOW_PORT:-28280}"
export AIRDECK_AIRFLOW_HOME="$AIRDECK_STATE/airflow-bench"
export AIRDECK_AIRFLOW_DB=postgres
# One DAGs folder holding both sets (Airflow follows the links).
export AIRDECK_AIRFLOW_DAGS="$AIRDECK_STATE/bench-dags"
mkdir -p "$AIRDECK_AIRFLOW_DAGS"
ln -sfn "$ROOT/examples/dags" "$AIRDECK_AIRFLOW_DAGS/examples"
ln -sfn "$ROOT/dev/bench/dags" "$AIRDECK_AIRFLOW_DAGS/generated"
"$ROOT/dev/airflow/start.sh"
if [[ "${AIRDECK_BENCH_KEEP_AIRFLOW:-}" != 1 ]]; then
  trap '"$ROOT/dev/airflow/stop.sh" >/dev/null 2>&1 || true' EXIT
fi
source "$ROOT/dev/airflow/env.sh"

step "domain benchmarks"
"$PY" "$ROOT/tests/bench/bench_domain.py"
step "redaction throughput (MB/s, ordinary and adversarial logs)"
"$PY" "$ROOT/tests/bench/bench_redaction.py"
step "Airdeck vs direct Airflow"
(cd "$ROOT" && "$PY" -m tests.bench.bench_api)
step "the cross-run grid: domain, API vs direct Airflow calls, first paint in Chromium"
(cd "$ROOT" && "$PY" -m tests.bench.bench_grid)
step "the Gantt of the 2,100-instance mapped run, Airdeck vs direct Airflow"
(cd "$ROOT" && "$PY" -m tests.bench.bench_gantt)
step "the overview of a DAG with 1,000 runs, Airdeck vs direct Airflow"
(cd "$ROOT" && "$PY" -m tests.bench.bench_overview)
step "alerts: a real task failure to its webhook delivery, one worker at default settings"
(cd "$ROOT" && "$PY" -m tests.bench.bench_alerts)
