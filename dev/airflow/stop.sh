#!/usr/bin/env bash
# Stop what dev/airflow/start.sh started for one Airflow home: every process in the Airflow
# session (api-server, scheduler, dag-processor, triggerer, their workers and running tasks)
# and the example service. TERM first, KILL whatever is left after 30 seconds.
# Usage: dev/airflow/stop.sh                                     # demo Airflow
#        AIRDECK_AIRFLOW_PORT=28080 AIRDECK_AIRFLOW_HOME=.airdeck/airflow-test dev/airflow/stop.sh
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
source "$ROOT/dev/airflow/env.sh"
stop_sessions "$AIRDECK_AIRFLOW_HOME" ""
