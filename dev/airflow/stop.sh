#!/usr/bin/env bash
# Stop what dev/airflow/start.sh started for one Airflow home: every process in the Airflow
# session (api-server, scheduler, dag-processor, triggerer, their workers and running tasks)
# and the example service. TERM first, KILL whatever is left after 30 seconds.
# Usage: dev/airflow/stop.sh                                     # demo Airflow
#        AIRDECK_AIRFLOW_PORT=28080 AIRDECK_AIRFLOW_HOME=.airdeck/airflow-test dev/airflow/stop.sh
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
source "$ROOT/dev/airflow/env.sh"
home="$AIRDECK_AIRFLOW_HOME"

# session_pids SID: every process in that session (tasks move to their own process groups,
# but never leave the session, so nothing is missed).
session_pids() { ps -e -o pid=,sid= | awk -v sid="$1" '$2 == sid { print $1 }'; }

for name in airflow example-service; do
  pid_file="$home/$name.pid"
  [[ -f "$pid_file" ]] || continue
  sid=$(cat "$pid_file")
  pids=$(session_pids "$sid")
  if [[ -z "$pids" ]]; then
    rm -f "$pid_file"
    continue
  fi
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null
  printf '    stopping %s ' "$name"
  for _ in $(seq 30); do
    [[ -z "$(session_pids "$sid")" ]] && break
    printf '.'; sleep 1
  done
  left=$(session_pids "$sid")
  # shellcheck disable=SC2086
  [[ -n "$left" ]] && kill -KILL $left 2>/dev/null
  printf '\n'
  rm -f "$pid_file"
  ok "stopped $name ($home)"
done
