"""The runs the cross-run grid's tests look at: two runs of the example DAG with nested task
groups, one of them failed.

No example DAG fails a run by itself (their failures are retried, or caught by a trigger rule),
so the failed run is a finished one marked through Airflow's own API: one task failed, then the
run, as a person would in Airflow's UI. A run left by an earlier session is reused as it is.
"""

from __future__ import annotations

from urllib.parse import quote

from tests.support.airflow_runs import (
    AirflowLogin,
    client,
    ensure_run,
    get_run,
    run_path,
    task_instance,
)

DAG_ID = "grouped_pipeline"
GROUPS = ("extract", "transform", "transform.clean")
OK_RUN = "manual__grid+ok"
FAILED_RUN = "manual__grid+failed"
FAILED_TASK = "transform.clean.normalize"


def ensure_failed_run(airflow: AirflowLogin, dag_id: str, run_id: str, task_id: str) -> None:
    """A finished run ``run_id`` of ``dag_id`` whose ``task_id`` failed, and the run with it."""
    ensure_run(airflow, dag_id, run_id)
    # Airflow answers 409 to marking what already is in that state: mark only what is not.
    task = task_instance(airflow, dag_id, run_id, task_id)
    if task is None or task["state"] != "failed":
        marked = client(airflow).patch(
            f"{run_path(dag_id, run_id)}/taskInstances/{quote(task_id, safe='')}",
            json={"new_state": "failed"},
        )
        marked.raise_for_status()
    run = get_run(airflow, dag_id, run_id)
    if run is None or run["state"] != "failed":
        failed = client(airflow).patch(run_path(dag_id, run_id), json={"state": "failed"})
        failed.raise_for_status()


def ensure_grid_runs(airflow: AirflowLogin) -> tuple[str, str]:
    """The ids of a successful and a failed run of ``DAG_ID`` (``FAILED_TASK`` failed in it)."""
    ensure_run(airflow, DAG_ID, OK_RUN)
    ensure_failed_run(airflow, DAG_ID, FAILED_RUN, FAILED_TASK)
    return OK_RUN, FAILED_RUN
