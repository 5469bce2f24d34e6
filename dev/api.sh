#!/usr/bin/env bash
# Run the API in the foreground. Without AIRDECK_AIRFLOW_URL it points at the demo Airflow
# (dev/airflow/env.sh supplies its URL and service account).
# Usage: dev/api.sh   (or: make api)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
if [[ -z "${AIRDECK_AIRFLOW_URL:-}" ]]; then
  source "$ROOT/dev/airflow/env.sh"
fi
exec "$PY" -m airdeck_api.cli serve
