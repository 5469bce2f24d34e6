#!/usr/bin/env bash
# Install Apache Airflow (with the postgres extra) into its own venv, .airdeck/airflow-venv —
# never into the project's venv. Idempotent: returns at once when the pinned version is there.
# Usage: dev/airflow/install.sh   (or: make airflow-install)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

install_airflow "3.3.2" "${AIRDECK_AIRFLOW_VENV:-$AIRDECK_STATE/airflow-venv}" "about a minute"
