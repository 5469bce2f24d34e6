#!/usr/bin/env bash
# Start Airdeck's Airflow 2 (scheduler, triggerer and webserver; SQLite, or PostgreSQL with
# AIRDECK_AIRFLOW2_DB=postgres) on 127.0.0.1:$AIRDECK_AIRFLOW2_PORT in the background, plus the
# example service its service_pipeline DAG calls (port + 10). Creates the metadata DB and the
# service account (role User: reads everything, triggers, pauses, clears and marks) on first
# start. Returns once Airflow is healthy and every example DAG is parsed; reuses an Airflow 2
# that already answers on the port.
# Usage: dev/airflow2/start.sh                                   # demo Airflow 2 on :8180
#        AIRDECK_AIRFLOW2_PORT=29100 AIRDECK_AIRFLOW2_HOME=.airdeck/airflow2-dev dev/airflow2/start.sh
# Logs and pid files: $AIRDECK_AIRFLOW2_HOME/{airflow,example-service}.{log,pid}. Stop: dev/airflow2/stop.sh
# AIRDECK_AIRFLOW2_START_TIMEOUT (default 240 s) bounds the wait for a fresh start.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
source "$ROOT/dev/airflow2/env.sh"
airflow2_server_env

[[ -x "$AIRDECK_AIRFLOW2_VENV/bin/airflow" ]] || fail "Airflow 2 is not installed: run dev/airflow2/install.sh"
home="$AIRDECK_AIRFLOW2_HOME"
af_py="$AIRDECK_AIRFLOW2_VENV/bin/python"
# Two callers at once (say, two test sessions) must not start two Airflows on one home.
exec 9>"$home/start.lock"
flock 9

# wait_ready [ARGS]: dev/airflow/wait_ready.py speaking /api/v1 to this Airflow 2.
wait_ready() {
  AIRDECK_AIRFLOW_URL="$AIRDECK_AIRFLOW2_URL" AIRDECK_AIRFLOW_USERNAME="$AIRDECK_AIRFLOW2_USERNAME" \
    AIRDECK_AIRFLOW_PASSWORD="$AIRDECK_AIRFLOW2_PASSWORD" AIRDECK_AIRFLOW_DAGS="$AIRDECK_AIRFLOW2_DAGS" \
    "$af_py" "$ROOT/dev/airflow/wait_ready.py" --api v1 "$@"
}

start_example_service "$home" "$af_py" "$AIRDECK_AIRFLOW2_EXAMPLE_SERVICE_PORT" "$AIRDECK_AIRFLOW2_EXAMPLE_SERVICE_URL"

start=$(date +%s)
if session_running "$home" airflow; then
  ok "Airflow 2 already running on $AIRDECK_AIRFLOW2_URL (pid $(cat "$home/airflow.pid"))"
  wait_ready --timeout 120 --pid "$(cat "$home/airflow.pid")" ||
    fail "Airflow 2 on $AIRDECK_AIRFLOW2_URL is running but not ready; log: $home/airflow.log"
  exit 0
fi
if curl -fsS -o /dev/null --max-time 2 "$AIRDECK_AIRFLOW2_URL/api/v1/health" 2>/dev/null; then
  ok "an Airflow 2 already answers on $AIRDECK_AIRFLOW2_URL (not started from $home); using it"
  wait_ready --timeout 60 || fail "the Airflow on $AIRDECK_AIRFLOW2_URL is not this home's (or not ready)"
  exit 0
fi

step "starting Airflow 2 on $AIRDECK_AIRFLOW2_URL (home $home)"
database_there() {
  [[ "$(psql -h 127.0.0.1 -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$AIRDECK_AIRFLOW2_PG_DB'")" == 1 ]]
}
if [[ "$AIRDECK_AIRFLOW2_DB" == postgres ]] && { [[ ! -f "$home/postgres-database" ]] || ! database_there; }; then
  # The database belongs to this home: a new home (a fresh clone) starts from an empty one, since
  # runs left by another home would point at log files this home does not have. A home whose
  # database was dropped starts over the same way, service account included.
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS \"$AIRDECK_AIRFLOW2_PG_DB\" WITH (FORCE)"
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE \"$AIRDECK_AIRFLOW2_PG_DB\""
  echo "$AIRDECK_AIRFLOW2_PG_DB" >"$home/postgres-database"
  # Logs of the old database's runs would be appended to by new runs of the same ids.
  rm -rf "$home/account-created" "$home/logs"
fi
if [[ ! -f "$home/account-created" ]]; then
  printf '    creating the metadata DB and the service account '
  airflow db migrate >"$home/setup.log" 2>&1 || { tail -n 30 "$home/setup.log" >&2; fail "airflow db migrate failed"; }
  printf '.'
  # The webserver's roles (User among them) exist only once permissions are synced.
  airflow sync-perm >>"$home/setup.log" 2>&1 || { tail -n 30 "$home/setup.log" >&2; fail "airflow sync-perm failed"; }
  printf '.'
  # `users create` refuses an existing user: a home whose first setup stopped half-way goes on.
  airflow users create --username "$AIRDECK_AIRFLOW2_USERNAME" --password "$AIRDECK_AIRFLOW2_PASSWORD" \
    --role User --firstname Airdeck --lastname Service --email airdeck@localhost >>"$home/setup.log" 2>&1 ||
    airflow users list -o plain 2>/dev/null | grep -qw "$AIRDECK_AIRFLOW2_USERNAME" ||
    { tail -n 30 "$home/setup.log" >&2; fail "could not create the service account"; }
  touch "$home/account-created"
  printf ' done\n'
else
  airflow db migrate >"$home/setup.log" 2>&1 || { tail -n 30 "$home/setup.log" >&2; fail "airflow db migrate failed"; }
fi
rm -f "$home/airflow.pid"
# One session for the three parts: when any of them exits, the others are stopped too, so a
# half-running Airflow never passes for a running one.
launch_session "$home" airflow bash -c 'airflow scheduler & airflow triggerer & airflow webserver & wait -n; kill 0'
pid=$(cat "$home/airflow.pid")
if ! wait_ready --timeout "${AIRDECK_AIRFLOW2_START_TIMEOUT:-240}" --pid "$pid"; then
  echo "---- last lines of $home/airflow.log ----" >&2
  tail -n 40 "$home/airflow.log" >&2
  fail "Airflow 2 did not become ready on $AIRDECK_AIRFLOW2_URL (left running as pid $pid; stop: dev/airflow2/stop.sh)"
fi
# Memory as PSS: forked workers share most pages, so summing RSS would count them many times.
pss_kib=$(ps -e -o pid=,sid= | awk -v sid="$pid" '$2 == sid { print "/proc/" $1 "/smaps_rollup" }' |
  xargs cat 2>/dev/null | awk '/^Pss:/ { sum += $2 } END { print sum + 0 }') || true  # a worker may exit
ok "Airflow 2 ready on $AIRDECK_AIRFLOW2_URL in $(( $(date +%s) - start ))s, using $(( pss_kib / 1024 )) MiB"
