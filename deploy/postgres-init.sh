#!/usr/bin/env bash
# One database and one login each for Airflow's metadata and Airdeck's product data, neither
# able to connect to the other's database. The postgres image runs this once, when its data
# volume is first initialised (docker-compose.yml mounts it in /docker-entrypoint-initdb.d);
# it connects as POSTGRES_USER through libpq, so PGHOST and friends point it at any server.
# Inputs: AIRFLOW_DB_PASSWORD and AIRDECK_DB_PASSWORD (from .env); AIRFLOW_DB_NAME,
# AIRFLOW_DB_USER (default airflow), AIRDECK_DB_NAME, AIRDECK_DB_USER (default airdeck).
set -euo pipefail
: "${AIRFLOW_DB_PASSWORD:?set AIRFLOW_DB_PASSWORD}"
: "${AIRDECK_DB_PASSWORD:?set AIRDECK_DB_PASSWORD}"

# psql quotes the values itself (:"name" as an identifier, :'value' as a literal).
psql --no-psqlrc -v ON_ERROR_STOP=1 \
  --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v airflow_db="${AIRFLOW_DB_NAME:-airflow}" -v airflow_user="${AIRFLOW_DB_USER:-airflow}" \
  -v airflow_password="$AIRFLOW_DB_PASSWORD" \
  -v airdeck_db="${AIRDECK_DB_NAME:-airdeck}" -v airdeck_user="${AIRDECK_DB_USER:-airdeck}" \
  -v airdeck_password="$AIRDECK_DB_PASSWORD" <<'SQL'
CREATE ROLE :"airflow_user" LOGIN PASSWORD :'airflow_password';
CREATE DATABASE :"airflow_db" OWNER :"airflow_user";
REVOKE ALL ON DATABASE :"airflow_db" FROM PUBLIC;

CREATE ROLE :"airdeck_user" LOGIN PASSWORD :'airdeck_password';
CREATE DATABASE :"airdeck_db" OWNER :"airdeck_user";
REVOKE ALL ON DATABASE :"airdeck_db" FROM PUBLIC;
SQL
