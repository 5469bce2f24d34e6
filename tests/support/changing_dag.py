"""A DAG of a test's own whose file changes under the real test Airflow, so that Airflow 3 keeps
two versions of it, each used by a run.

Airflow 3 makes a new version only when a changed DAG's latest version was already used by a
run (a version no task instance points at is overwritten in place), so the file is written,
run once, changed (a task added), and run again. It lives in a folder of its own inside the
DAGs folder Airflow reads, found from where Airflow says an example DAG lives; the folder is
removed and the DAG deleted from Airflow afterwards, so later tests never see it."""

from __future__ import annotations

import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from tests.support.airflow_runs import AirflowLogin, client, trigger_run, wait_for_run

FIRST = '''"""Written by Airdeck's version tests, and removed by them again."""

try:
    from airflow.providers.standard.operators.empty import EmptyOperator
    from airflow.sdk import DAG
except ImportError:  # Airflow 2 keeps no DAG versions: this file defines no DAG there
    pass
else:
    with DAG(dag_id="{dag_id}", schedule=None, tags=["airdeck-test"]):
        first = EmptyOperator(task_id="first")
'''
ADDED = """        second = EmptyOperator(task_id="second")
        first >> second
"""
SECOND = FIRST + ADDED
"""The second version: the first with a task added, and nothing else changed."""
SERIALIZED_UPDATE_INTERVAL = 30.0
"""Airflow's ``min_serialized_dag_update_interval`` (the test Airflow keeps the default): a
file that changes sooner after its DAG was written leaves the DAG as it was for now, but copies
the new file over the code stored with the latest version, so version 1 would read as version 2
does. The change waits this long after version 1 appeared."""
SETUP_TIMEOUT = 240.0
"""The whole making of the two versions, kept under pytest's 300 s per test: the DAG processor
sees a new file within seconds (refresh interval 5 s) and re-parses a changed one on its next
round, each run takes seconds, and the change waits 30 s; a busy machine is slower."""


@dataclass(frozen=True)
class ChangedDag:
    """A DAG with two versions: ``first_run`` used version 1, ``second_run`` version 2."""

    dag_id: str
    first_run: str
    second_run: str
    first_source: str
    second_source: str
    added: tuple[str, ...]
    """The lines version 2 added, without their newlines."""


def dags_folder(airflow: AirflowLogin) -> Path:
    """The DAGs folder the Airflow reads: where its etl_pipeline example lives."""
    response = client(airflow).get("/dags/etl_pipeline/details")
    response.raise_for_status()
    return Path(response.json()["fileloc"]).parent


def _wait(condition: Callable[[], bool], what: str, deadline: float) -> None:
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} in time (the setup may take {SETUP_TIMEOUT:.0f} s)")
        time.sleep(1)


def version_count(airflow: AirflowLogin, dag_id: str) -> int:
    """How many versions Airflow keeps of the DAG (0 before it parsed it)."""
    response = client(airflow).get(f"/dags/{quote(dag_id, safe='')}/dagVersions")
    if response.status_code == 404:
        return 0
    response.raise_for_status()
    return int(response.json()["total_entries"])


@contextmanager
def dag_changed_once(airflow: AirflowLogin) -> Iterator[ChangedDag]:
    """A fresh DAG with two versions, each used by a finished run, for as long as the block
    runs (TimeoutError when Airflow takes longer than ``SETUP_TIMEOUT`` to make them); its
    file and the DAG itself are gone afterwards."""
    deadline = time.monotonic() + SETUP_TIMEOUT
    dag_id = f"airdeck_versions_{secrets.token_hex(4)}"
    folder = dags_folder(airflow) / dag_id
    file = folder / f"{dag_id}.py"
    first, second = FIRST.format(dag_id=dag_id), SECOND.format(dag_id=dag_id)
    folder.mkdir()
    try:
        file.write_text(first)
        _wait(
            lambda: version_count(airflow, dag_id) == 1,
            f"Airflow did not parse the new DAG file {file}",
            deadline,
        )
        parsed = time.monotonic()
        first_run = trigger_run(airflow, dag_id, run_id="manual__versions+first")
        wait_for_run(airflow, dag_id, first_run, timeout=deadline - time.monotonic())
        time.sleep(max(0.0, parsed + SERIALIZED_UPDATE_INTERVAL + 1 - time.monotonic()))
        file.write_text(second)
        _wait(
            lambda: version_count(airflow, dag_id) == 2,
            f"Airflow did not make version 2 of {dag_id} from the changed file {file}",
            deadline,
        )
        second_run = trigger_run(airflow, dag_id, run_id="manual__versions+second")
        wait_for_run(airflow, dag_id, second_run, timeout=deadline - time.monotonic())
        yield ChangedDag(
            dag_id=dag_id,
            first_run=first_run,
            second_run=second_run,
            first_source=first,
            second_source=second,
            added=tuple(ADDED.splitlines()),
        )
    finally:
        # The file first: a DAG deleted while its file is there comes back on the next parse.
        shutil.rmtree(folder)
        deleted = client(airflow).delete(f"/dags/{quote(dag_id, safe='')}")
        if deleted.is_error and deleted.status_code != 404:
            raise AssertionError(
                f"could not delete the test DAG {dag_id}: {deleted.status_code} {deleted.text}"
            )
