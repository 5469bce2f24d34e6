#!/usr/bin/env bash
# Stop what dev/airflow2/start.sh started for one Airflow 2 home: every process in the Airflow
# session (webserver, scheduler, triggerer, their workers and running tasks) and the example
# service. TERM first, KILL whatever is left after 30 seconds.
# Usage: dev/airflow2/stop.sh                                    # demo Airflow 2
#        AIRDECK_AIRFLOW2_PORT=29100 AIRDECK_AIRFLOW2_HOME=.airdeck/airflow2-dev dev/airflow2/stop.sh
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
source "$ROOT/dev/airflow2/env.sh"
stop_sessions "$AIRDECK_AIRFLOW2_HOME" "Airflow 2 "
