"""What the service layer needs from an Airflow deployment, as a Protocol.

Services depend on ``AirflowPort``, not on the httpx client: the real ``AirflowClient`` satisfies
it (mypy checks that where the API hands a client to the services), and the unit tests hand
the services a fake that keeps its DAGs and runs in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from airdeck_domain.backfills import Backfill, PlannedRun, ReprocessBehavior
from airdeck_domain.models import (
    ComponentReport,
    Dag,
    DagDetail,
    DagRun,
    DagSort,
    DagVersion,
    LastRun,
    LogPage,
    Task,
    TaskInstance,
)
from airdeck_domain.required_actions import ActionState, RequiredAction
from airdeck_domain.versions import DagSource


class AirflowPort(Protocol):
    """One Airflow deployment. Every method raises the domain's errors (``NotFoundError``,
    ``InvalidInputError``, ``UnavailableError`` …) naming the deployment, never its address."""

    @property
    def name(self) -> str:
        """The deployment's name in Airdeck."""
        ...

    async def list_dags(
        self,
        *,
        offset: int = 0,
        limit: int = 25,
        search: str | None = None,
        tags: Sequence[str] = (),
        owners: Sequence[str] = (),
        paused: bool | None = None,
        sort: DagSort = "dag_id",
    ) -> tuple[list[Dag], int]:
        """One page of DAGs in ``sort`` order, and the number of all matches."""
        ...

    async def every_dag(
        self,
        *,
        search: str | None = None,
        owners: Sequence[str] = (),
        paused: bool | None = None,
        sort: DagSort = "dag_id",
    ) -> list[Dag]:
        """Every DAG matching the filters, in ``sort`` order."""
        ...

    async def get_dag(self, dag_id: str) -> DagDetail:
        """A DAG's detail: params, doc, latest version."""
        ...

    async def set_paused(self, dag_id: str, is_paused: bool) -> Dag:
        """Pause or unpause a DAG; returns it as Airflow now has it."""
        ...

    async def list_runs(
        self,
        dag_id: str,
        *,
        offset: int = 0,
        limit: int = 20,
        states: Sequence[str] = (),
    ) -> tuple[list[DagRun], int]:
        """One page of a DAG's runs, newest first, and the number of all matches."""
        ...

    async def latest_runs(self, dag_ids: Sequence[str]) -> dict[str, LastRun | None]:
        """The newest run of each DAG (None for one that never ran)."""
        ...

    async def runs_started_between(
        self, start: datetime, end: datetime, *, most: int = 2000
    ) -> tuple[list[DagRun], bool]:
        """Every DAG's runs started in ``[start, end]``, oldest first, at most ``most``, and
        whether more were left out."""
        ...

    async def get_run(self, dag_id: str, run_id: str) -> DagRun:
        """One run."""
        ...

    async def trigger(
        self,
        dag_id: str,
        *,
        conf: dict[str, Any],
        note: str | None = None,
        run_id: str | None = None,
    ) -> DagRun:
        """Start a run now; ``conf`` is already validated."""
        ...

    async def list_tasks(self, dag_id: str) -> list[Task]:
        """The tasks of a DAG's latest structure."""
        ...

    async def task_instances(self, dag_id: str, run_id: str) -> list[TaskInstance]:
        """Every task instance of a run, mapped ones included."""
        ...

    async def task_instances_of_runs(
        self, dag_id: str, run_ids: Sequence[str]
    ) -> dict[str, list[TaskInstance]]:
        """Every task instance of each of a DAG's runs, by run id (every id a key)."""
        ...

    async def mapped_instances(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        *,
        offset: int = 0,
        limit: int = 50,
        states: Sequence[str] = (),
    ) -> tuple[list[TaskInstance], int]:
        """One page of a mapped task's instances by map index, and their number."""
        ...

    async def task_instance(
        self, dag_id: str, run_id: str, task_id: str, map_index: int = -1
    ) -> TaskInstance:
        """One task instance (a mapped one by its index)."""
        ...

    async def task_instance_tries(
        self, dag_id: str, run_id: str, task_id: str, map_index: int = -1
    ) -> list[TaskInstance]:
        """Every try of a task instance Airflow keeps, each as the instance was then (its
        current try among them)."""
        ...

    async def clear(
        self,
        dag_id: str,
        run_id: str,
        task_ids: Sequence[str | tuple[str, int]],
        *,
        include_downstream: bool = False,
        include_upstream: bool = False,
        only_failed: bool = False,
        dry_run: bool = False,
    ) -> list[TaskInstance]:
        """Clear task instances (or, with ``dry_run``, list those that would be cleared)."""
        ...

    async def set_task_state(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        *,
        state: str,
        map_index: int = -1,
        include_downstream: bool = False,
        include_upstream: bool = False,
        dry_run: bool = False,
    ) -> list[TaskInstance]:
        """Mark a task instance success, failed or skipped; returns the instances changed (with
        ``dry_run``, those that would be, unchanged)."""
        ...

    async def set_run_state(self, dag_id: str, run_id: str, state: str) -> DagRun:
        """Mark a whole run success or failed; returns the run as it now is."""
        ...

    async def set_run_note(self, dag_id: str, run_id: str, note: str | None) -> DagRun:
        """Set or remove a run's note; returns the run as it now is."""
        ...

    async def clear_run(
        self, dag_id: str, run_id: str, *, only_failed: bool = False, dry_run: bool = False
    ) -> list[TaskInstance]:
        """Clear a run's task instances (only the failed ones with ``only_failed``); with
        ``dry_run``, list those that would be cleared."""
        ...

    async def plan_backfill(
        self,
        dag_id: str,
        from_date: datetime,
        to_date: datetime,
        *,
        reprocess_behavior: ReprocessBehavior = "none",
        max_active_runs: int = 10,
        run_backwards: bool = False,
        conf: dict[str, Any] | None = None,
    ) -> list[PlannedRun]:
        """The runs a backfill would create; nothing is created."""
        ...

    async def create_backfill(
        self,
        dag_id: str,
        from_date: datetime,
        to_date: datetime,
        *,
        reprocess_behavior: ReprocessBehavior = "none",
        max_active_runs: int = 10,
        run_backwards: bool = False,
        conf: dict[str, Any] | None = None,
    ) -> Backfill:
        """Start a backfill; ``conf`` is already validated."""
        ...

    async def list_backfills(
        self, dag_id: str, *, offset: int = 0, limit: int = 20, newest_first: bool = False
    ) -> tuple[list[Backfill], int]:
        """One page of a DAG's backfills, oldest first (or newest first), and how many it has."""
        ...

    async def backfill_run_states(
        self, dag_id: str, from_date: datetime, to_date: datetime
    ) -> dict[str, int]:
        """How many of the DAG's backfill runs due in ``[from_date, to_date]`` are in each
        state."""
        ...

    async def get_backfill(self, backfill_id: int) -> Backfill:
        """One backfill, by its id."""
        ...

    async def change_backfill(self, backfill_id: int, change: str) -> Backfill:
        """``pause``, ``unpause`` or ``cancel`` a backfill; returns it as it now is."""
        ...

    async def dag_versions(
        self, dag_id: str, *, offset: int = 0, limit: int = 100
    ) -> tuple[list[DagVersion], int]:
        """One page of a DAG's versions, oldest first, and how many it has."""
        ...

    async def dag_source(self, dag_id: str, version_number: int) -> DagSource:
        """The code of one version of a DAG."""
        ...

    async def every_required_action(
        self, *, dag_id: str | None = None, state: ActionState = "pending"
    ) -> list[RequiredAction]:
        """Every human-in-the-loop request of every DAG (or of ``dag_id``) in ``state``, oldest
        first, read across DAGs (never one call per DAG)."""
        ...

    async def required_action(
        self, dag_id: str, run_id: str, task_id: str, map_index: int = -1
    ) -> RequiredAction:
        """The human-in-the-loop request of one task instance."""
        ...

    async def respond(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        map_index: int,
        *,
        chosen_options: Sequence[str],
        params_input: dict[str, Any],
    ) -> None:
        """Answer a request (ConflictError when it was answered already)."""
        ...

    async def get_log(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        *,
        try_number: int,
        map_index: int = -1,
        continuation_token: str | None = None,
    ) -> LogPage:
        """The log events after ``continuation_token`` (all of them without one)."""
        ...

    async def version(self) -> str:
        """The Airflow version the deployment runs."""
        ...

    async def health(self) -> dict[str, ComponentReport]:
        """The deployment's report per component: scheduler, db, dag_processor, triggerer."""
        ...


class DeploymentsPort(Protocol):
    """Every Airflow deployment Airdeck talks to, by name; the first one is the default."""

    def get(self, name: str | None = None) -> AirflowPort:
        """The deployment called ``name`` (the default one when None); ``NotFoundError``
        naming the known ones for any other name."""
        ...
