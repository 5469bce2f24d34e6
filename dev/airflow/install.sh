#!/usr/bin/env bash
# Install Apache Airflow (with the postgres extra) into its own venv, .airdeck/airflow-venv —
# never into the project's venv. Idempotent: returns at once when the pinned version is there.
# Usage: dev/airflow/install.sh   (or: make airflow-install)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

AIRFLOW_VERSION="3.3.2"
venv="${AIRDECK_AIRFLOW_VENV:-$AIRDECK_STATE/airflow-venv}"
installed() { "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('apache-airflow') != '$AIRFLOW_VERSION')" 2>/dev/null; }

if [[ -x "$venv/bin/airflow" ]] && installed; then
  ok "Airflow $AIRFLOW_VERSION present ($venv)"
  exit 0
fi
start=$(date +%s)
step "installing Airflow $AIRFLOW_VERSION into $venv (takes about a minute)"
[[ -x "$venv/bin/python" ]] || python3.11 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --progress-bar on "apache-airflow[postgres]==$AIRFLOW_VERSION" ||
  fail "pip could not install Airflow $AIRFLOW_VERSION"
installed || fail "Airflow $AIRFLOW_VERSION did not install into $venv"
ok "Airflow $AIRFLOW_VERSION installed in $(( $(date +%s) - start ))s"
