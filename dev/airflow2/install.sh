#!/usr/bin/env bash
# Install Apache Airflow 2 (with the postgres extra) into its own venv, .airdeck/airflow2-venv —
# never into the project's venv nor beside Airflow 3. Idempotent: returns at once when the pinned
# version is there. No constraints file: 2.11.2 resolves cleanly on its own in about 20 s.
# Usage: dev/airflow2/install.sh   (or: make airflow2-install)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

install_airflow "2.11.2" "${AIRDECK_AIRFLOW2_VENV:-$AIRDECK_STATE/airflow2-venv}" "under a minute"
