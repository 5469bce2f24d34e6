#!/usr/bin/env bash
# Start Airdeck's own Airflow (`airflow standalone`: api-server, scheduler, dag-processor,
# triggerer; SQLite) on 127.0.0.1:$AIRDECK_AIRFLOW_PORT in the background, plus the example
# service the service_pipeline DAG calls (port + 10). Returns once Airflow is healthy and every
# example DAG is parsed; reuses an Airflow that already answers on the port.
# Usage: dev/airflow/start.sh                                   # demo Airflow on :8080
#        AIRDECK_AIRFLOW_PORT=28080 AIRDECK_AIRFLOW_HOME=.airdeck/airflow-test dev/airflow/start.sh
# Logs and pid files: $AIRDECK_AIRFLOW_HOME/{airflow,example-service}.{log,pid}. Stop: dev/airflow/stop.sh
# AIRDECK_AIRFLOW_START_TIMEOUT (default 240 s) bounds the wait for a fresh start.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
source "$ROOT/dev/airflow/env.sh"
airflow_server_env

[[ -x "$AIRDECK_AIRFLOW_VENV/bin/airflow" ]] || fail "Airflow is not installed: run dev/airflow/install.sh"
home="$AIRDECK_AIRFLOW_HOME"
af_py="$AIRDECK_AIRFLOW_VENV/bin/python"
# Two callers at once (say, two test sessions) must not start two Airflows on one home.
exec 9>"$home/start.lock"
flock 9

start_example_service "$home" "$af_py" "$AIRDECK_EXAMPLE_SERVICE_PORT" "$AIRDECK_EXAMPLE_SERVICE_URL"

start=$(date +%s)
if session_running "$home" airflow; then
  ok "Airflow already running on $AIRDECK_AIRFLOW_URL (pid $(cat "$home/airflow.pid"))"
  "$af_py" "$ROOT/dev/airflow/wait_ready.py" --timeout 120 --pid "$(cat "$home/airflow.pid")" ||
    fail "Airflow on $AIRDECK_AIRFLOW_URL is running but not ready; log: $home/airflow.log"
  exit 0
fi
if curl -fsS -o /dev/null --max-time 2 "$AIRDECK_AIRFLOW_URL/api/v2/monitor/health" 2>/dev/null; then
  ok "an Airflow already answers on $AIRDECK_AIRFLOW_URL (not started from $home); using it"
  "$af_py" "$ROOT/dev/airflow/wait_ready.py" --timeout 60 ||
    fail "the Airflow on $AIRDECK_AIRFLOW_URL is not this home's (or not ready)"
  exit 0
fi

step "starting Airflow on $AIRDECK_AIRFLOW_URL (home $home)"
if [[ "$AIRDECK_AIRFLOW_DB" == postgres ]]; then
  # The database belongs to this home: a new home (a fresh clone) starts from an empty one, since
  # runs left by another home would point at log files this home does not have.
  if [[ ! -f "$home/postgres-database" ]]; then
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS \"$AIRDECK_AIRFLOW_PG_DB\" WITH (FORCE)"
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE \"$AIRDECK_AIRFLOW_PG_DB\""
    echo "$AIRDECK_AIRFLOW_PG_DB" >"$home/postgres-database"
  fi
else
  # Write-ahead logging lets readers and the one writer proceed together; the mode sticks to the file.
  "$af_py" -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL")' \
    "$home/airflow.db"
fi
rm -f "$home/airflow.pid"
launch_session "$home" airflow airflow standalone
pid=$(cat "$home/airflow.pid")
if ! "$af_py" "$ROOT/dev/airflow/wait_ready.py" --timeout "${AIRDECK_AIRFLOW_START_TIMEOUT:-240}" --pid "$pid"; then
  echo "---- last lines of $home/airflow.log ----" >&2
  tail -n 40 "$home/airflow.log" >&2
  fail "Airflow did not become ready on $AIRDECK_AIRFLOW_URL (left running as pid $pid; stop: dev/airflow/stop.sh)"
fi
# Memory as PSS: forked workers share most pages, so summing RSS would count them many times.
pss_kib=$(ps -e -o pid=,sid= | awk -v sid="$pid" '$2 == sid { print "/proc/" $1 "/smaps_rollup" }' |
  xargs cat 2>/dev/null | awk '/^Pss:/ { sum += $2 } END { print sum + 0 }') || true  # a worker may exit
ok "Airflow ready on $AIRDECK_AIRFLOW_URL in $(( $(date +%s) - start ))s, using $(( pss_kib / 1024 )) MiB"
