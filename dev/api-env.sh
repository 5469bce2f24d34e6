# The API's configuration for the dev verbs (make demo/api/db-upgrade): sourced, never run.
# What AIRDECK_* leaves unset is the demo's: the demo Airflow's service account
# (dev/airflow/env.sh) and one login per role, generated once into .airdeck/demo-users (never
# committed), so each verb works on a fresh clone.
[[ -n "${AIRDECK_AIRFLOW_URL:-}" ]] || source "$ROOT/dev/airflow/env.sh"
# AIRDECK_DEMO_AIRFLOW2=1: the demo Airflow 2 (dev/airflow2) is a second deployment, "airflow2",
# its password by reference, unless the deployments are configured otherwise.
if [[ "${AIRDECK_DEMO_AIRFLOW2:-0}" == 1 && -z "${AIRDECK_AIRFLOW_DEPLOYMENTS:-}${AIRDECK_DEPLOYMENTS_FILE:-}" ]]; then
  [[ -n "${AIRDECK_AIRFLOW2_URL:-}" ]] || source "$ROOT/dev/airflow2/env.sh"
  export AIRDECK_AIRFLOW_DEPLOYMENTS="[{\"name\": \"airflow2\", \"url\": \"$AIRDECK_AIRFLOW2_URL\", \"username\": \"$AIRDECK_AIRFLOW2_USERNAME\", \"api_version\": \"v1\", \"password_env\": \"AIRDECK_AIRFLOW2_PASSWORD\"}]"
fi
export AIRDECK_AUTH_MODE="${AIRDECK_AUTH_MODE:-local}"
if [[ "$AIRDECK_AUTH_MODE" == local && -z "${AIRDECK_LOCAL_USERS:-}" ]]; then
  demo_users="$AIRDECK_STATE/demo-users"
  if [[ ! -f "$demo_users" ]]; then
    mkdir -p "$AIRDECK_STATE"
    (umask 077; for role in viewer operator admin; do
       echo "$role:$("$PY" -c 'import secrets; print(secrets.token_urlsafe(9))'):$role"
     done > "$demo_users")
  fi
  AIRDECK_LOCAL_USERS="$(paste -sd, "$demo_users")"
  export AIRDECK_LOCAL_USERS
fi
# The demo's example service listens on loopback: its connectors may call it (nothing else private).
export AIRDECK_CONNECTORS_ALLOWED_HOSTS="${AIRDECK_CONNECTORS_ALLOWED_HOSTS:-127.0.0.1}"
