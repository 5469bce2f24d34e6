#!/usr/bin/env bash
# Bring up the whole product on embedded defaults: a real Airflow (standalone, SQLite) with the
# example DAGs, the product DB (SQLite), the API, the alert worker and the web UI; then print URLs
# and logins.
# With AIRDECK_DEMO_AIRFLOW2=1, also a real Airflow 2 (127.0.0.1:8180; on the local PostgreSQL
# if it answers, else SQLite) with the same DAGs, which the API serves as a second deployment,
# "airflow2" (dev/api-env.sh).
# Usage: dev/demo.sh   (or: make demo; AIRDECK_DEMO_AIRFLOW2=1 make demo; stop with: make stop)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start=$(date +%s)
airflow2=false
if [[ "${AIRDECK_DEMO_AIRFLOW2:-0}" == 1 ]]; then
  airflow2=true
  # Airflow 2 runs one task at a time on SQLite: on the local PostgreSQL when one answers, its
  # tasks run side by side (AIRDECK_AIRFLOW2_DB=sqlite keeps it embedded).
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    export AIRDECK_AIRFLOW2_DB="${AIRDECK_AIRFLOW2_DB:-postgres}"
  fi
fi
RUN="$AIRDECK_STATE/run"
LOGS="$AIRDECK_STATE/logs"
mkdir -p "$RUN" "$LOGS"

"$ROOT/dev/install.sh"
"$ROOT/dev/airflow/install.sh"
if $airflow2; then "$ROOT/dev/airflow2/install.sh"; fi
"$ROOT/dev/web/install.sh"

step "starting Airflow (the engine; private to Airdeck)"
"$ROOT/dev/airflow/start.sh"
source "$ROOT/dev/airflow/env.sh"
if $airflow2; then
  step "starting Airflow 2 (a second deployment: airflow2)"
  "$ROOT/dev/airflow2/start.sh"
  source "$ROOT/dev/airflow2/env.sh"
fi

source "$ROOT/dev/api-env.sh"
export AIRDECK_API_PORT="${AIRDECK_API_PORT:-8100}"
export AIRDECK_WEB_PORT="${AIRDECK_WEB_PORT:-3000}"
export AIRDECK_API_URL="${AIRDECK_API_URL:-http://127.0.0.1:$AIRDECK_API_PORT}"
# The web UI calls the API from loopback for each browser: let it say whose request it is.
export AIRDECK_TRUSTED_PROXIES="${AIRDECK_TRUSTED_PROXIES:-127.0.0.1,::1}"
# A demo on loopback: let alert rules post to a receiver on this machine too.
export AIRDECK_ALERTS_ALLOW_PRIVATE_URLS="${AIRDECK_ALERTS_ALLOW_PRIVATE_URLS:-true}"

step "migrating the product DB"
"$PY" -m airdeck_api.cli db upgrade

start_bg() {  # start_bg NAME COMMAND...: run in the background unless already running
  local name=$1; shift
  if [[ -f "$RUN/$name.pid" ]] && kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null; then
    ok "$name already running (pid $(cat "$RUN/$name.pid"))"; return
  fi
  setsid nohup "$@" >"$LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

step "starting the API on $AIRDECK_API_URL"
start_bg api "$PY" -m airdeck_api.cli serve
wait_http "$AIRDECK_API_URL/schema/openapi.json" 60 "the API" || { tail -n 30 "$LOGS/api.log"; fail "API did not start"; }

step "starting the alert worker"
start_bg worker "$PY" -m airdeck_api.cli worker

step "starting the web UI on http://127.0.0.1:$AIRDECK_WEB_PORT"
start_bg web "$ROOT/dev/web/run.sh"
wait_http "http://127.0.0.1:$AIRDECK_WEB_PORT/" 240 "the web UI" || { tail -n 30 "$LOGS/web.log"; fail "web UI did not start"; }

step "giving the example DAGs some history"
"$PY" "$ROOT/dev/airflow/seed.py"
if $airflow2; then
  step "giving Airflow 2's example DAGs some history"
  AIRDECK_AIRFLOW_URL="$AIRDECK_AIRFLOW2_URL" AIRDECK_AIRFLOW_USERNAME="$AIRDECK_AIRFLOW2_USERNAME" \
    AIRDECK_AIRFLOW_PASSWORD="$AIRDECK_AIRFLOW2_PASSWORD" "$PY" "$ROOT/dev/airflow/seed.py" --api v1
  airflow2_line=$'\n'"  Airflow 2     $AIRDECK_AIRFLOW2_URL  (deployment airflow2: add ?deployment=airflow2)"
fi

cat <<INFO

$(printf '\033[1;32m')Airdeck is up$(printf '\033[0m') in $(( $(date +%s) - start ))s.

  Web UI        http://127.0.0.1:$AIRDECK_WEB_PORT/workflows
  API           $AIRDECK_API_URL/api/orchestrator   (OpenAPI: $AIRDECK_API_URL/schema)
  Airflow       $AIRDECK_AIRFLOW_URL  (the engine: Airdeck's service account only)${airflow2_line:-}

  Logins (username / password / role):
$(tr , '\n' <<<"$AIRDECK_LOCAL_USERS" | awk -F: '{printf "    %-10s %-16s %s\n", $1, $2, $NF}')

  Logs: $LOGS    Stop everything: make stop
INFO
