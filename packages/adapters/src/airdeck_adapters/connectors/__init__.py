"""Connectors at the edges: the HTTP calls of a run, the tables rows go to, the spec files the
DAG factory reads and the files a run's tasks hand on to each other.

These modules import only httpx, SQLAlchemy and ``airdeck_domain``, which Airflow's own
environment has too: the DAG factory (examples/dags/airdeck_connectors.py) runs them inside
Airflow's tasks, and the API runs the same code for a connector's test call."""
