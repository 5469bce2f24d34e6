"""What differs between Airflow 3's ``/api/v2`` and Airflow 2's ``/api/v1``.

The client speaks through a ``Dialect`` so a deployment's version is one setting; response
shapes are close enough that the wire structs cover both.
"""

from __future__ import annotations

from typing import Any, Protocol

from airdeck_adapters.airflow.config import ApiVersion


class Dialect(Protocol):
    """The per-version parts of Airflow's REST API."""

    base_path: str
    uses_token: bool
    """True: bearer JWT from ``POST /auth/token`` (Airflow 3). False: basic auth (Airflow 2)."""
    runs_order: str
    health_path: str
    dag_order_fields: dict[str, str]
    """Airdeck's DAG sort fields → the ``order_by`` field this API accepts for them."""
    latest_runs_path: str | None
    """Where one call lists DAGs with their latest run each (None: the API has no such call)."""

    def trigger_body(
        self, conf: dict[str, Any], note: str | None, run_id: str | None
    ) -> dict[str, Any]:
        """The JSON body that triggers a run."""
        ...

    def mark_path(self, task_template: str, map_index: int) -> str:
        """The path template that sets a task instance's state, from the task instance's
        (the caller fills ``{map_index}`` when the template has it)."""
        ...


class AirflowV1:
    """Airflow 2."""

    base_path = "/api/v1"
    uses_token = False
    runs_order = "-execution_date"
    health_path = "/api/v1/health"
    latest_runs_path: str | None = None
    # Airflow 2's DAG list sorts by id only (no last-run join).
    dag_order_fields = {"dag_id": "dag_id"}

    def trigger_body(
        self, conf: dict[str, Any], note: str | None, run_id: str | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"conf": conf}
        if note is not None:
            body["note"] = note
        if run_id is not None:
            body["dag_run_id"] = run_id
        return body

    def mark_path(self, task_template: str, map_index: int) -> str:
        return task_template if map_index < 0 else task_template + "/{map_index}"


class AirflowV2(AirflowV1):
    """Airflow 3: the same shapes under /api/v2, a JWT instead of basic auth."""

    base_path = "/api/v2"
    uses_token = True
    runs_order = "-run_after"
    health_path = "/api/v2/monitor/health"
    # The call Airflow 3's own UI lists DAGs with; not in the public REST API, so the client
    # falls back to the public batched run list if a version answers it with an error.
    latest_runs_path = "/ui/dags"
    dag_order_fields = {
        "dag_id": "dag_id",
        "next_run": "next_dagrun",
        "last_run": "last_run_start_date",
        "last_run_state": "last_run_state",
    }

    def trigger_body(
        self, conf: dict[str, Any], note: str | None, run_id: str | None
    ) -> dict[str, Any]:
        # Airflow 3 rejects a trigger without an explicit logical_date (422); null means "now".
        return {"logical_date": None, **super().trigger_body(conf, note, run_id)}


def dialect_for(version: ApiVersion) -> Dialect:
    """The dialect of an API version."""
    return AirflowV2() if version == "v2" else AirflowV1()
