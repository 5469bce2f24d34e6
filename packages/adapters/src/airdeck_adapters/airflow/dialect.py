"""What differs between Airflow 3's ``/api/v2`` and Airflow 2's ``/api/v1``.

The client speaks through a ``Dialect`` so a deployment's version is one setting; response
shapes are close enough that the wire structs cover both. Airflow 2 validates strictly: a query
parameter its spec does not name is a 400, so each list call sends only what its version knows.
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
    dag_list_params: tuple[tuple[str, str], ...]
    """Query parameters every DAG list call carries."""
    filters_owners: bool
    """Whether the DAG list takes an ``owners`` filter (else the client filters by owner)."""
    instance_order: str | None
    """The ``order_by`` that lists task instances by map index (None: send none, the list has
    no such parameter or orders by map index already)."""
    marks_by_reference: bool
    """True: a mark answers references (ids only) or nothing usable, not the instances, and is
    a dry run unless told otherwise (Airflow 2)."""
    clears_map_indexes: bool
    """Whether a clear can name single mapped instances (``[task_id, map_index]`` pairs)."""
    detail_has_owners: bool
    """False: a DAG's detail leaves its owners out, so they are read from the DAG itself."""
    scheduler_parses_dags: bool
    """True: a DAG processor reported with no status runs inside the scheduler (Airflow 2
    without ``[scheduler] standalone_dag_processor``), so the scheduler's report stands for it."""
    missing_features: dict[str, str]
    """Features this API lacks entirely (``backfills``, ``connectors``…) → why, in words fit
    for the 400 that refuses them."""
    notes_nullable: bool
    """Whether a run's note can be set to null (else it is removed by setting it empty)."""

    def trigger_body(
        self, conf: dict[str, Any], note: str | None, run_id: str | None
    ) -> dict[str, Any]:
        """The JSON body that triggers a run."""
        ...

    def mark_path(self, task_template: str, map_index: int) -> str:
        """The path template that sets a task instance's state, from the task instance's
        (the caller fills ``{map_index}`` when the template has it)."""
        ...

    def run_patch(self, field: str) -> tuple[str, list[tuple[str, str]]]:
        """How to change one field (``state`` or ``note``) of a run: the path after the run's
        own, and the query parameters to send."""
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
    # Its ``only_active`` defaults to true: stale DAGs are left out without asking.
    dag_list_params: tuple[tuple[str, str], ...] = ()
    # No ``owners`` parameter in /api/v1 (an unknown one is a 400): the client reads every DAG
    # matching the other filters and keeps those of the owners itself.
    filters_owners = False
    # listMapped orders by map index by default and refuses ``map_index`` (only ``-map_index``);
    # a run's task instance list takes no order_by at all.
    instance_order: str | None = None
    marks_by_reference = True
    # ``task_ids`` are strings only: a clear takes every instance of a mapped task.
    clears_map_indexes = False
    # 2.11's details answer ``[]`` for the owners of every example DAG; its DAG list's are right.
    detail_has_owners = False
    scheduler_parses_dags = True
    missing_features = {
        "backfills": "Airflow 2's REST API has no backfills (they came with Airflow 3's "
        "/api/v2/backfills); run `airflow dags backfill` on the deployment instead",
        "dag_versions": "Airflow 2 keeps no DAG versions (they came with Airflow 3): only the "
        "code currently deployed exists",
        "required_actions": "Airflow 2 has no human-in-the-loop tasks (they came with Airflow "
        "3.1's hitlDetails API): nothing there can wait for a person's response",
        "connectors": "Airdeck's connector DAGs are built on Airflow 3's task SDK, which Airflow 2 "
        "does not have: create the connector on an Airflow 3 deployment",
    }
    # setNote's body is a string: null is a 400.
    notes_nullable = False

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

    def run_patch(self, field: str) -> tuple[str, list[tuple[str, str]]]:
        # updateDagRunState takes no update_mask (an unknown parameter is a 400); the note has
        # a call of its own.
        return ("" if field == "state" else "/setNote", [])


class AirflowV2(AirflowV1):
    """Airflow 3: the same shapes under /api/v2, a JWT instead of basic auth."""

    base_path = "/api/v2"
    uses_token = True
    runs_order = "-run_after"
    health_path = "/api/v2/monitor/health"
    # The call Airflow 3's own UI lists DAGs with; not in the public REST API, so the client
    # falls back to the public batched run list if a version answers it with an error.
    latest_runs_path = "/ui/dags"
    dag_list_params = (("exclude_stale", "true"),)
    filters_owners = True
    instance_order = "map_index"
    marks_by_reference = False
    clears_map_indexes = True
    detail_has_owners = True
    scheduler_parses_dags = False
    missing_features: dict[str, str] = {}
    notes_nullable = True
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

    def run_patch(self, field: str) -> tuple[str, list[tuple[str, str]]]:
        # update_mask: only the named field changes, whatever else the body might carry.
        return ("", [("update_mask", field)])


def dialect_for(version: ApiVersion) -> Dialect:
    """The dialect of an API version."""
    return AirflowV2() if version == "v2" else AirflowV1()
