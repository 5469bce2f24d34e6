"""Bodies and results of the actions: pause, trigger, clear, mark."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from airdeck_api.schemas.strict import Strict
from airdeck_domain.models import TaskInstance


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
    """``POST …/tasks/{task_id}/state``: mark a task instance success or failed."""

    state: Literal["success", "failed"]
    map_index: Annotated[int, msgspec.Meta(ge=-1)] = -1
    include_downstream: bool = False
    include_upstream: bool = False


class MarkResult(msgspec.Struct):
    task_instances: list[TaskInstance]
