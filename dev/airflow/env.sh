# Settings for the Airflow that Airdeck installs and runs itself: sourced, never run.
# Usage: source dev/airflow/env.sh                       # demo Airflow, 127.0.0.1:8080
#        AIRDECK_AIRFLOW_PORT=28080 AIRDECK_AIRFLOW_HOME=.airdeck/airflow-test source dev/airflow/env.sh
# Exports the client side (AIRDECK_AIRFLOW_URL/USERNAME/PASSWORD, paths, the example service URL)
# and defines airflow_server_env, which exports Airflow's own AIRFLOW__* configuration. The
# secrets (JWT secret, API secret key, Fernet key, service-account password) are generated on
# first use and kept under $AIRDECK_AIRFLOW_HOME, so nothing secret is ever committed.
# Inputs: AIRDECK_AIRFLOW_PORT (8080), AIRDECK_AIRFLOW_HOME (.airdeck/airflow),
# AIRDECK_AIRFLOW_VENV (.airdeck/airflow-venv), AIRDECK_AIRFLOW_PARALLELISM (6 task slots),
# AIRDECK_AIRFLOW_DAGS (examples/dags; the benchmark adds its generated DAGs),
# AIRDECK_AIRFLOW_DB (sqlite, or postgres: database airdeck_airflow_<port> on 127.0.0.1:5432).

AIRDECK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export AIRDECK_AIRFLOW_PORT="${AIRDECK_AIRFLOW_PORT:-8080}"
# Absolute, because Airflow refuses a relative SQLite path.
AIRDECK_AIRFLOW_HOME="${AIRDECK_AIRFLOW_HOME:-$AIRDECK_ROOT/.airdeck/airflow}"
export AIRDECK_AIRFLOW_HOME="$(mkdir -p "$AIRDECK_AIRFLOW_HOME" && cd "$AIRDECK_AIRFLOW_HOME" && pwd)"
export AIRDECK_AIRFLOW_VENV="${AIRDECK_AIRFLOW_VENV:-$AIRDECK_ROOT/.airdeck/airflow-venv}"
export AIRDECK_AIRFLOW_DAGS="${AIRDECK_AIRFLOW_DAGS:-$AIRDECK_ROOT/examples/dags}"
# Airflow's own metadata DB: SQLite for the embedded demo; the local PostgreSQL for the test
# Airflow, whose scheduler otherwise dies of "database is locked" under a busy suite.
export AIRDECK_AIRFLOW_DB="${AIRDECK_AIRFLOW_DB:-sqlite}"
export AIRDECK_AIRFLOW_PG_DB="airdeck_airflow_$AIRDECK_AIRFLOW_PORT"
export AIRDECK_AIRFLOW_USERNAME="airdeck"
export AIRDECK_AIRFLOW_URL="http://127.0.0.1:$AIRDECK_AIRFLOW_PORT"
export AIRDECK_EXAMPLE_SERVICE_PORT=$((AIRDECK_AIRFLOW_PORT + 10))
export AIRDECK_EXAMPLE_SERVICE_URL="http://127.0.0.1:$AIRDECK_EXAMPLE_SERVICE_PORT"
# Where the API writes connector specs and the connector DAG factory reads them (ADR 0026).
export AIRDECK_CONNECTORS_DIR="${AIRDECK_CONNECTORS_DIR:-$AIRDECK_AIRFLOW_HOME/connectors}"

# Secrets: created once per Airflow home (mode 600), reused by every later start.
_airdeck_secrets="$AIRDECK_AIRFLOW_HOME/secrets.env"
_airdeck_passwords="$AIRDECK_AIRFLOW_HOME/passwords.json"
if [[ ! -s "$_airdeck_secrets" ]]; then
  (umask 077 && python3 - >"$_airdeck_secrets" <<'PY'
import base64, os, secrets
print(f"AIRDECK_AIRFLOW_JWT_SECRET={secrets.token_urlsafe(48)}")
print(f"AIRDECK_AIRFLOW_SECRET_KEY={secrets.token_urlsafe(48)}")
print(f"AIRDECK_AIRFLOW_FERNET_KEY={base64.urlsafe_b64encode(os.urandom(32)).decode()}")
print(f"AIRDECK_AIRFLOW_PASSWORD={secrets.token_urlsafe(18)}")
PY
  )
fi
# shellcheck disable=SC1090
source "$_airdeck_secrets"
export AIRDECK_AIRFLOW_PASSWORD
if [[ ! -s "$_airdeck_passwords" ]]; then
  (umask 077 && printf '{"%s": "%s"}\n' "$AIRDECK_AIRFLOW_USERNAME" "$AIRDECK_AIRFLOW_PASSWORD" >"$_airdeck_passwords")
fi

# airflow_server_env: export the AIRFLOW__* configuration for `airflow` commands of this home.
# Kept out of the plain `source` so Airdeck's own processes never carry Airflow's signing keys.
airflow_server_env() {
  export AIRFLOW_HOME="$AIRDECK_AIRFLOW_HOME"
  export PATH="$AIRDECK_AIRFLOW_VENV/bin:$PATH"  # `airflow standalone` runs its parts as `airflow ...`
  if [[ "$AIRDECK_AIRFLOW_DB" == postgres ]]; then
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="postgresql+psycopg2://postgres@127.0.0.1:5432/$AIRDECK_AIRFLOW_PG_DB"
  else
    # SQLite (in WAL mode, see start.sh) waits up to 30 s for a lock instead of the default 5 s:
    # with tasks reporting through the api-server while the scheduler writes, 5 s gives 500s.
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="sqlite:///$AIRDECK_AIRFLOW_HOME/airflow.db?timeout=30"
  fi
  export AIRFLOW__CORE__DAGS_FOLDER="$AIRDECK_AIRFLOW_DAGS"
  export AIRFLOW__CORE__LOAD_EXAMPLES=False
  export AIRFLOW__CORE__PARALLELISM="${AIRDECK_AIRFLOW_PARALLELISM:-6}"
  export AIRFLOW__CORE__FERNET_KEY="$AIRDECK_AIRFLOW_FERNET_KEY"
  # Airdeck's service account has the least role that does its job: "op" reads everything, acts
  # on DAGs (trigger, pause, clear, mark) and writes the connections and variables that hold
  # connector secrets (ADR 0026); "user" could not touch connections or variables.
  export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="$AIRDECK_AIRFLOW_USERNAME:op"
  # The connector DAG factory (examples/dags/airdeck_connectors.py) runs Airdeck's connector code
  # (airdeck_domain, airdeck_adapters.connectors: only httpx, SQLAlchemy and msgspec, which
  # Airflow has) from the checkout.
  export PYTHONPATH="$AIRDECK_ROOT/packages/domain/src:$AIRDECK_ROOT/packages/adapters/src${PYTHONPATH:+:$PYTHONPATH}"
  export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$_airdeck_passwords"
  # Tasks reach the api-server here; the default assumes port 8080 ("Invalid auth token" otherwise).
  export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="$AIRDECK_AIRFLOW_URL/execution/"
  export AIRFLOW__API__HOST=127.0.0.1
  export AIRFLOW__API__PORT="$AIRDECK_AIRFLOW_PORT"
  export AIRFLOW__API__SECRET_KEY="$AIRDECK_AIRFLOW_SECRET_KEY"
  export AIRFLOW__API_AUTH__JWT_SECRET="$AIRDECK_AIRFLOW_JWT_SECRET"
  # Short-lived service tokens, as the reference guide asks: the adapter renews them before expiry.
  export AIRFLOW__API_AUTH__JWT_EXPIRATION_TIME=300
  # New or changed DAG files show up within seconds instead of the default five minutes.
  export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=5
  export AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL=30
  # The log servers default to fixed ports (8793/8794): derive them so a demo and a test Airflow coexist.
  export AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=$((AIRDECK_AIRFLOW_PORT + 1))
  export AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=$((AIRDECK_AIRFLOW_PORT + 2))
  export AIRDECK_EXAMPLE_SERVICE_URL
}
