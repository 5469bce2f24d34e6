"""Drive the real test Airflow's REST API directly: trigger runs and wait for their outcome.

Plain httpx against /api/v2 with a token for the service account (or, for a login whose
``api_version`` is "v1", Airflow 2's /api/v1 with basic auth), so tests don't depend on the
code they test. Run ids go into URL paths percent-encoded (they hold `+` and `:`).
"""

from __future__ import annotations

import time
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from tests.support.airflow_auth import ServiceAccount

FINISHED_RUN_STATES = frozenset({"success", "failed"})
FINISHED_TASK_STATES = frozenset({"success", "failed", "skipped", "upstream_failed", "removed"})
TIMEOUT = httpx.Timeout(120, connect=10)
"""A busy 2-core machine can keep a standalone Airflow's answer waiting well past 30 s (seen
when the suite shared the machine with a benchmark); the tests wait for it, not fail."""


class AirflowLogin(Protocol):
    """What the `airflow` fixture carries."""

    @property
    def url(self) -> str: ...
    @property
    def username(self) -> str: ...
    @property
    def password(self) -> str: ...


def api_version(airflow: AirflowLogin) -> str:
    """The REST API version of a login: "v1" for Airflow 2 (a login saying so), else "v2"."""
    return str(getattr(airflow, "api_version", "v2"))


@cache
def _client(url: str, username: str, password: str, version: str) -> httpx.Client:
    if version == "v1":
        auth: httpx.Auth = httpx.BasicAuth(username, password)
    else:
        auth = ServiceAccount(url, username, password)
    return httpx.Client(base_url=f"{url}/api/{version}", auth=auth, timeout=TIMEOUT)


def client(airflow: AirflowLogin) -> httpx.Client:
    """An authenticated client for the REST API of this Airflow (one per login, reused)."""
    return _client(airflow.url, airflow.username, airflow.password, api_version(airflow))


def run_path(dag_id: str, run_id: str) -> str:
    """The REST path of one run, each part percent-encoded (`+` must become %2B)."""
    return f"/dags/{quote(dag_id, safe='')}/dagRuns/{quote(run_id, safe='')}"


def unpause(airflow: AirflowLogin, dag_id: str) -> None:
    """Unpause a DAG: runs of a paused DAG stay queued forever."""
    response = client(airflow).patch(f"/dags/{quote(dag_id, safe='')}", json={"is_paused": False})
    response.raise_for_status()


def trigger_run(
    airflow: AirflowLogin,
    dag_id: str,
    run_id: str | None = None,
    conf: dict[str, Any] | None = None,
) -> str:
    """Unpause the DAG, trigger a run (Airflow names it when run_id is None); return its id."""
    unpause(airflow, dag_id)
    body: dict[str, Any] = {"conf": conf or {}}
    if api_version(airflow) == "v2":
        body["logical_date"] = None  # Airflow 3 needs it (null: now); Airflow 2 refuses a null
    if run_id is not None:
        body["dag_run_id"] = run_id
    response = client(airflow).post(f"/dags/{quote(dag_id, safe='')}/dagRuns", json=body)
    if response.is_error:
        raise AssertionError(f"trigger {dag_id} failed: {response.status_code} {response.text}")
    return str(response.json()["dag_run_id"])


def get_run(airflow: AirflowLogin, dag_id: str, run_id: str) -> dict[str, Any] | None:
    """The run as Airflow describes it, or None if there is no such run."""
    response = client(airflow).get(run_path(dag_id, run_id))
    if response.status_code == 404:
        return None
    response.raise_for_status()
    run: dict[str, Any] = response.json()
    return run


def wait_for_run(airflow: AirflowLogin, dag_id: str, run_id: str, timeout: float = 300) -> str:
    """Poll until the run is success or failed and return that state; TimeoutError otherwise."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        run = get_run(airflow, dag_id, run_id)
        state = run["state"] if run else None
        if state in FINISHED_RUN_STATES:
            return str(state)
        time.sleep(1)
    raise TimeoutError(f"{dag_id} run {run_id} still {state} after {timeout}s")


def wait_until_settled(airflow: AirflowLogin, dag_id: str, run_id: str, settle: timedelta) -> None:
    """Wait until the finished run ended at least ``settle`` ago (Airflow's clock is this
    machine's): long enough for whatever Airflow writes after it records the end."""
    run = get_run(airflow, dag_id, run_id)
    assert run is not None and run["end_date"], f"{dag_id} run {run_id} has not ended"
    left = datetime.fromisoformat(run["end_date"]) + settle - datetime.now(UTC)
    time.sleep(max(0.0, left.total_seconds()))


def ensure_run(
    airflow: AirflowLogin,
    dag_id: str,
    run_id: str,
    conf: dict[str, Any] | None = None,
    timeout: float = 300,
) -> str:
    """Make sure a finished run with this id exists and return its final state. A run left by an
    earlier session is reused (so repeated sessions don't pile up runs); else it is triggered."""
    if get_run(airflow, dag_id, run_id) is None:
        trigger_run(airflow, dag_id, run_id=run_id, conf=conf)
    else:
        unpause(airflow, dag_id)
    return wait_for_run(airflow, dag_id, run_id, timeout=timeout)


def task_instances(airflow: AirflowLogin, dag_id: str, run_id: str) -> list[dict[str, Any]]:
    """Every task instance of the run (all mapped instances too), paging 100 at a time."""
    found: list[dict[str, Any]] = []
    # Airflow 2 takes no order_by here (any unknown parameter is a 400).
    order = {"order_by": "id"} if api_version(airflow) == "v2" else {}
    while True:
        response = client(airflow).get(
            f"{run_path(dag_id, run_id)}/taskInstances",
            params={"limit": 100, "offset": len(found), **order},
        )
        response.raise_for_status()
        page = response.json()
        found.extend(page["task_instances"])
        if not page["task_instances"] or len(found) >= page["total_entries"]:
            return found


def task_instance(
    airflow: AirflowLogin, dag_id: str, run_id: str, task_id: str, map_index: int = -1
) -> dict[str, Any] | None:
    """One task instance (or one mapped instance), or None while it doesn't exist yet."""
    path = f"{run_path(dag_id, run_id)}/taskInstances/{quote(task_id, safe='')}"
    if map_index >= 0:
        path += f"/{map_index}"
    response = client(airflow).get(path)
    if response.status_code == 404:
        return None
    response.raise_for_status()
    ti: dict[str, Any] = response.json()
    return ti


def wait_for_task_state(
    airflow: AirflowLogin,
    dag_id: str,
    run_id: str,
    task_id: str,
    states: Collection[str],
    timeout: float = 120,
    map_index: int = -1,
) -> str:
    """Poll until the task instance is in one of `states` and return it. Fails at once if the
    task finishes in another state (it can never get there), TimeoutError after `timeout`."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        ti = task_instance(airflow, dag_id, run_id, task_id, map_index)
        state = ti["state"] if ti else None
        if state in states:
            return str(state)
        if state in FINISHED_TASK_STATES:
            raise AssertionError(f"{dag_id}.{task_id} in {run_id} ended {state}, not {set(states)}")
        time.sleep(0.5)
    raise TimeoutError(f"{dag_id}.{task_id} in {run_id} still {state} after {timeout}s")
