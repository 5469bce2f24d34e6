"""Backfills of the real test Airflow, driven through its REST API directly: Airflow runs one
backfill of a DAG at a time, so a test that starts one first ends any an interrupted earlier
session left going."""

from __future__ import annotations

from tests.support import airflow_runs
from tests.support.airflow_runs import AirflowLogin


def end_active_backfills(airflow: AirflowLogin, dag_id: str) -> None:
    """Unpause the DAG (the runs of a paused DAG's backfill wait) and cancel every backfill of
    it that has not completed."""
    airflow_runs.unpause(airflow, dag_id)
    api = airflow_runs.client(airflow)
    listed = api.get("/backfills", params={"dag_id": dag_id, "limit": 100})
    listed.raise_for_status()
    for backfill in listed.json()["backfills"]:
        if backfill["completed_at"] is None:
            api.put(f"/backfills/{backfill['id']}/cancel").raise_for_status()
