"""Bodies and results of the actions: pause, trigger, clear, mark, and the whole-run ones."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from airdeck_api.schemas.strict import Strict
from airdeck_domain.models import DagRun, TaskInstance


class PauseBody(Strict):
    """``PATCH /dags/{dag_id}/pause``."""

    is_paused: bool


class PauseResult(msgspec.Struct):
    dag_id: str
    is_paused: bool


class TriggerBody(Strict):
    """``POST /dags/{dag_id}/runs``: ``conf`` is checked against the DAG's params first;
    with ``config_id`` a saved config is the base and ``conf`` overrides its keys."""

    conf: dict[str, Any] | None = None
    note: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    config_id: UUID | None = None


class TriggerResult(msgspec.Struct):
    run_id: str
    state: str | None
    queued_at: datetime | None


class ClearBody(Strict):
    """``POST …/tasks/{task_id}/clear``; ``dry_run`` lists what would be cleared."""

    include_downstream: bool = False
    include_upstream: bool = False
    only_failed: bool = False
    map_indexes: list[Annotated[int, msgspec.Meta(ge=0)]] | None = None
    dry_run: bool = False


class ClearResult(msgspec.Struct):
    dry_run: bool
    task_instances: list[TaskInstance]


class MarkBody(Strict):
    """``POST …/tasks/{task_id}/state``: mark a task instance success, failed or skipped (its
    downstream tasks then go on as their trigger rules say); ``dry_run`` lists what would
    change."""

    state: Literal["success", "failed", "skipped"]
    map_index: Annotated[int, msgspec.Meta(ge=-1)] = -1
    include_downstream: bool = False
    include_upstream: bool = False
    dry_run: bool = False


class MarkResult(msgspec.Struct):
    task_instances: list[TaskInstance]
    dry_run: bool = False


class RunStateBody(Strict):
    """``POST /dags/{dag_id}/runs/{run_id}/state``: mark a whole run success or failed."""

    state: Literal["success", "failed"]


class RunNoteBody(Strict):
    """``PATCH /dags/{dag_id}/runs/{run_id}/note``: the run's note (null removes it)."""

    note: Annotated[str, msgspec.Meta(max_length=1000)] | None


class RunResult(msgspec.Struct):
    """The run as Airflow has it after the action."""

    run: DagRun


class RunClearBody(Strict):
    """``POST /dags/{dag_id}/runs/{run_id}/clear``: every task instance of the run, or with
    ``only_failed`` the failed ones; ``dry_run`` lists what would be cleared."""

    only_failed: bool = False
    dry_run: bool = False
