# Settings for the Airflow 2 that Airdeck installs and runs beside its Airflow 3: sourced, never
# run. Everything is named AIRDECK_AIRFLOW2_* so that one shell can hold both Airflows' settings.
# Usage: source dev/airflow2/env.sh                      # demo Airflow 2, 127.0.0.1:8180
#        AIRDECK_AIRFLOW2_PORT=28380 AIRDECK_AIRFLOW2_HOME=.airdeck/airflow2-test source dev/airflow2/env.sh
# Exports the client side (AIRDECK_AIRFLOW2_URL/USERNAME/PASSWORD, paths, the example service
# URL) and defines airflow2_server_env, which exports Airflow's own AIRFLOW__* configuration. The
# secrets (webserver secret key, Fernet key, service-account password) are generated on first use
# and kept under $AIRDECK_AIRFLOW2_HOME, so nothing secret is ever committed.
# Inputs: AIRDECK_AIRFLOW2_PORT (8180), AIRDECK_AIRFLOW2_HOME (.airdeck/airflow2),
# AIRDECK_AIRFLOW2_VENV (.airdeck/airflow2-venv), AIRDECK_AIRFLOW2_PARALLELISM (6 task slots),
# AIRDECK_AIRFLOW2_DAGS (examples/dags), AIRDECK_AIRFLOW2_DB (sqlite, or postgres: database
# airdeck_airflow2_<port> on 127.0.0.1:5432).

AIRDECK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export AIRDECK_AIRFLOW2_PORT="${AIRDECK_AIRFLOW2_PORT:-8180}"
# Absolute, because Airflow refuses a relative SQLite path.
AIRDECK_AIRFLOW2_HOME="${AIRDECK_AIRFLOW2_HOME:-$AIRDECK_ROOT/.airdeck/airflow2}"
export AIRDECK_AIRFLOW2_HOME="$(mkdir -p "$AIRDECK_AIRFLOW2_HOME" && cd "$AIRDECK_AIRFLOW2_HOME" && pwd)"
export AIRDECK_AIRFLOW2_VENV="${AIRDECK_AIRFLOW2_VENV:-$AIRDECK_ROOT/.airdeck/airflow2-venv}"
export AIRDECK_AIRFLOW2_DAGS="${AIRDECK_AIRFLOW2_DAGS:-$AIRDECK_ROOT/examples/dags}"
# SQLite runs one task at a time (Airflow 2 allows only the SequentialExecutor on it): fine for a
# demo; the test Airflow 2 uses the local PostgreSQL and the LocalExecutor.
export AIRDECK_AIRFLOW2_DB="${AIRDECK_AIRFLOW2_DB:-sqlite}"
export AIRDECK_AIRFLOW2_PG_DB="airdeck_airflow2_$AIRDECK_AIRFLOW2_PORT"
export AIRDECK_AIRFLOW2_USERNAME="airdeck"
export AIRDECK_AIRFLOW2_URL="http://127.0.0.1:$AIRDECK_AIRFLOW2_PORT"
export AIRDECK_AIRFLOW2_EXAMPLE_SERVICE_PORT=$((AIRDECK_AIRFLOW2_PORT + 10))
export AIRDECK_AIRFLOW2_EXAMPLE_SERVICE_URL="http://127.0.0.1:$AIRDECK_AIRFLOW2_EXAMPLE_SERVICE_PORT"

# Secrets: created once per Airflow home (mode 600), reused by every later start.
_airdeck2_secrets="$AIRDECK_AIRFLOW2_HOME/secrets.env"
if [[ ! -s "$_airdeck2_secrets" ]]; then
  (umask 077 && python3 - >"$_airdeck2_secrets" <<'PY'
import base64, os, secrets
print(f"AIRDECK_AIRFLOW2_SECRET_KEY={secrets.token_urlsafe(48)}")
print(f"AIRDECK_AIRFLOW2_FERNET_KEY={base64.urlsafe_b64encode(os.urandom(32)).decode()}")
print(f"AIRDECK_AIRFLOW2_PASSWORD={secrets.token_urlsafe(18)}")
PY
  )
fi
# shellcheck disable=SC1090
source "$_airdeck2_secrets"
export AIRDECK_AIRFLOW2_PASSWORD

# airflow2_server_env: export the AIRFLOW__* configuration for `airflow` commands of this home.
# Kept out of the plain `source` so Airdeck's own processes never carry Airflow's keys.
airflow2_server_env() {
  export AIRFLOW_HOME="$AIRDECK_AIRFLOW2_HOME"
  export PATH="$AIRDECK_AIRFLOW2_VENV/bin:$PATH"  # the scheduler runs each task as `airflow tasks run`
  if [[ "$AIRDECK_AIRFLOW2_DB" == postgres ]]; then
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="postgresql+psycopg2://postgres@127.0.0.1:5432/$AIRDECK_AIRFLOW2_PG_DB"
    export AIRFLOW__CORE__EXECUTOR=LocalExecutor
  else
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="sqlite:///$AIRDECK_AIRFLOW2_HOME/airflow.db"
    export AIRFLOW__CORE__EXECUTOR=SequentialExecutor
  fi
  export AIRFLOW__CORE__DAGS_FOLDER="$AIRDECK_AIRFLOW2_DAGS"
  export AIRFLOW__CORE__LOAD_EXAMPLES=False
  export AIRFLOW__CORE__PARALLELISM="${AIRDECK_AIRFLOW2_PARALLELISM:-6}"
  export AIRFLOW__CORE__FERNET_KEY="$AIRDECK_AIRFLOW2_FERNET_KEY"
  # The REST API takes basic auth (Airdeck's service account); the session backend keeps the
  # webserver's own pages working for a person who signs in there.
  export AIRFLOW__API__AUTH_BACKENDS="airflow.api.auth.backend.basic_auth,airflow.api.auth.backend.session"
  export AIRFLOW__WEBSERVER__WEB_SERVER_HOST=127.0.0.1
  export AIRFLOW__WEBSERVER__WEB_SERVER_PORT="$AIRDECK_AIRFLOW2_PORT"
  export AIRFLOW__WEBSERVER__BASE_URL="$AIRDECK_AIRFLOW2_URL"
  export AIRFLOW__WEBSERVER__SECRET_KEY="$AIRDECK_AIRFLOW2_SECRET_KEY"
  # Two gunicorn workers instead of four: half the memory and start-up work on a 2-core machine.
  export AIRFLOW__WEBSERVER__WORKERS=2
  # New or changed DAG files show up within seconds instead of the default five minutes.
  export AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL=5
  export AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL=30
  # The log servers default to fixed ports (8793/8794): derive them so several Airflows coexist.
  export AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=$((AIRDECK_AIRFLOW2_PORT + 1))
  export AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=$((AIRDECK_AIRFLOW2_PORT + 2))
  # The service_pipeline DAG reads the example service's address from its tasks' environment.
  export AIRDECK_EXAMPLE_SERVICE_URL="$AIRDECK_AIRFLOW2_EXAMPLE_SERVICE_URL"
}
