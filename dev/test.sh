#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs and starts what it needs, then runs pytest.
# Usage: dev/test.sh [pytest args]   (or: make test; CI: .ci/run). With no arguments the
# clock-bound browser tests (marker `beside`) run in a second pytest process beside the rest.
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
beside=""
# stop_beside: interrupt the second pytest as Ctrl-C would (it tears its stacks down), and wait.
stop_beside() {
  kill -INT -- "-$beside" 2>/dev/null || true
  wait "$beside" 2>/dev/null
}
cleanup() {
  if [[ -n "$beside" ]]; then stop_beside || true; fi
  if [[ "${CI:-}" == "true" ]]; then
    "$ROOT/dev/airflow/stop.sh" >/dev/null 2>&1 || true
    "$ROOT/dev/airflow2/stop.sh" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
step "starting the test Airflow on 127.0.0.1:$AIRDECK_AIRFLOW_PORT"
"$ROOT/dev/airflow/start.sh"
step "starting the test Airflow 2 on 127.0.0.1:$AIRDECK_AIRFLOW2_PORT"
"$ROOT/dev/airflow2/start.sh"

mkdir -p "$ROOT/artifacts"
pytest_run() { "$PY" -m pytest "$ROOT/tests" -p no:cacheprovider "$@"; }
set +e
if (( $# > 0 )); then
  step "running the tests asked for"
  pytest_run --junitxml="$ROOT/artifacts/junit.xml" "$@"
  status=$?
else
  # Browser tests that mostly wait on a clock (a ten-minute watch, a token's life) run in a
  # second pytest process beside the rest: their minutes overlap the suite's instead of adding
  # to it. Their stacks build in a web folder of their own (a live stack holds its build's port).
  # Job control gives it a process group of its own, where SIGINT is not ignored: Ctrl-C
  # reaches only the suite in the foreground, and stop_beside can interrupt it cleanly.
  step "running the clock-bound browser tests beside the rest (output: artifacts/beside.log)"
  set -m
  REFLEX_WEB_WORKDIR="$ROOT/services/web/.web-beside" pytest_run -m beside \
    --junitxml="$ROOT/artifacts/junit-beside.xml" >"$ROOT/artifacts/beside.log" 2>&1 &
  beside=$!
  set +m
  step "running the test suite"
  pytest_run -m "not beside" --junitxml="$ROOT/artifacts/junit.xml"
  status=$?
  if (( status == 2 )); then
    step "the suite was interrupted: interrupting the clock-bound browser tests"
    stop_beside
  else
    step "waiting for the clock-bound browser tests"
    wait "$beside"
  fi
  beside_status=$?
  beside=""
  cat "$ROOT/artifacts/beside.log"
  if (( status == 0 )); then status=$beside_status; fi
fi
set -e
ok "test run finished in $(( $(date +%s) - start ))s (pytest exit $status)"
exit $status
