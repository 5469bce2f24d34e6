#!/usr/bin/env bash
# Stop what `make demo` started: the web UI, the alert worker, the API, the demo Airflow and its Airflow 2, if any.
# Usage: dev/stop.sh   (or: make stop)
set -uo pipefail
source "$(dirname "$0")/lib.sh"
for name in web worker api; do
  pid_file="$AIRDECK_STATE/run/$name.pid"
  if [[ -f "$pid_file" ]]; then
    pid=$(cat "$pid_file")
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    rm -f "$pid_file"
    ok "stopped $name"
  fi
done
"$ROOT/dev/airflow/stop.sh"
# Only a home that exists: sourcing its settings would make one.
if [[ -d "${AIRDECK_AIRFLOW2_HOME:-$AIRDECK_STATE/airflow2}" ]]; then "$ROOT/dev/airflow2/stop.sh"; fi
