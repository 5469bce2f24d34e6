-- The product DB lives beside Airflow's in the same PostgreSQL server.
CREATE DATABASE airdeck;
