#!/usr/bin/env bash
# Install Apache Airflow 2 (with the postgres extra) into its own venv, .airdeck/airflow2-venv —
# never into the project's venv nor beside Airflow 3. Idempotent: returns at once when the pinned
# version is there. No constraints file: 2.11.2 resolves cleanly on its own in about 20 s.
# Usage: dev/airflow2/install.sh   (or: make airflow2-install)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

AIRFLOW2_VERSION="2.11.2"
venv="${AIRDECK_AIRFLOW2_VENV:-$AIRDECK_STATE/airflow2-venv}"
installed() { "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('apache-airflow') != '$AIRFLOW2_VERSION')" 2>/dev/null; }

if [[ -x "$venv/bin/airflow" ]] && installed; then
  ok "Airflow $AIRFLOW2_VERSION present ($venv)"
  exit 0
fi
start=$(date +%s)
step "installing Airflow $AIRFLOW2_VERSION into $venv (takes under a minute)"
[[ -x "$venv/bin/python" ]] || python3.11 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --progress-bar on "apache-airflow[postgres]==$AIRFLOW2_VERSION" ||
  fail "pip could not install Airflow $AIRFLOW2_VERSION"
installed || fail "Airflow $AIRFLOW2_VERSION did not install into $venv"
ok "Airflow $AIRFLOW2_VERSION installed in $(( $(date +%s) - start ))s"
