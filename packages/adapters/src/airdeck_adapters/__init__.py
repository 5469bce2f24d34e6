"""Airdeck's adapters: everything that talks to the outside world (Airflow, the DB, Redis)."""
