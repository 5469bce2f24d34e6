#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs and starts what it needs, then runs pytest.
# Usage: dev/test.sh [pytest args]   (or: make test; CI: .ci/run)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start=$(date +%s)

"$ROOT/dev/install.sh"
"$ROOT/dev/services.sh"
"$ROOT/dev/system-packages.sh"
"$ROOT/dev/airflow/install.sh"
"$ROOT/dev/airflow2/install.sh"
"$ROOT/dev/web/install.sh"

# The test Airflow runs beside a demo one: its own port and home.
export AIRDECK_AIRFLOW_PORT="${AIRDECK_TEST_AIRFLOW_PORT:-28080}"
export AIRDECK_AIRFLOW_HOME="$AIRDECK_STATE/airflow-test"
export AIRDECK_AIRFLOW_DB=postgres
# And the test Airflow 2 (tests/integration/airflow2) beside it: its own port, home and database.
export AIRDECK_AIRFLOW2_PORT="${AIRDECK_TEST_AIRFLOW2_PORT:-28380}"
export AIRDECK_AIRFLOW2_HOME="$AIRDECK_STATE/airflow2-test"
export AIRDECK_AIRFLOW2_DB=postgres
if [[ "${CI:-}" == "true" ]]; then
  trap '"$ROOT/dev/airflow/stop.sh" >/dev/null 2>&1 || true
        "$ROOT/dev/airflow2/stop.sh" >/dev/null 2>&1 || true' EXIT
fi
step "starting the test Airflow on 127.0.0.1:$AIRDECK_AIRFLOW_PORT"
"$ROOT/dev/airflow/start.sh"
step "starting the test Airflow 2 on 127.0.0.1:$AIRDECK_AIRFLOW2_PORT"
"$ROOT/dev/airflow2/start.sh"

step "running the test suite"
mkdir -p "$ROOT/artifacts"
set +e
"$PY" -m pytest "$ROOT/tests" -p no:cacheprovider --junitxml="$ROOT/artifacts/junit.xml" "$@"
status=$?
set -e
ok "test run finished in $(( $(date +%s) - start ))s (pytest exit $status)"
exit $status
