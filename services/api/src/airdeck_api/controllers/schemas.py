"""Response envelopes of the Orchestrator API (the payloads themselves are domain models)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from airdeck_domain.models import DagDetail, DagRun, TaskInstance, TaskSummary


class DagEnvelope(msgspec.Struct):
    """``GET /dags/{dag_id}``."""

    dag: DagDetail


class RunEnvelope(msgspec.Struct):
    """``GET /dags/{dag_id}/runs/{run_id}``."""

    run: DagRun


class TaskList(msgspec.Struct):
    """``GET /dags/{dag_id}/runs/{run_id}/tasks``: one entry per task, mapped tasks aggregated."""

    tasks: list[TaskSummary]


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Request bodies: unknown fields are refused (400) rather than silently ignored."""


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


class FavoriteResult(msgspec.Struct):
    is_favorite: bool


Label = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[\w .:/-]+$")]


class MetadataBody(Strict):
    """``PATCH /dags/{dag_id}/metadata``: only the fields given change; null clears one."""

    environment: Label | msgspec.UnsetType | None = msgspec.UNSET
    owner_team: Label | msgspec.UnsetType | None = msgspec.UNSET
    custom_tags: Annotated[list[Label], msgspec.Meta(max_length=50)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    description: Annotated[str, msgspec.Meta(max_length=2000)] | msgspec.UnsetType | None = (
        msgspec.UNSET
    )


class MetadataResult(msgspec.Struct):
    updated: bool
    dag_id: str
    environment: str | None
    owner_team: str | None
    custom_tags: list[str]
    description: str | None


ConfigName = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class ConfigBody(Strict):
    """``POST /dags/{dag_id}/configs``."""

    name: ConfigName
    conf: dict[str, Any]
    shared: bool = False


class ConfigPatch(Strict):
    """``PATCH /dags/{dag_id}/configs/{config_id}``."""

    name: ConfigName | msgspec.UnsetType = msgspec.UNSET
    conf: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    shared: bool | msgspec.UnsetType = msgspec.UNSET


class SavedConfig(msgspec.Struct):
    id: UUID
    dag_id: str
    name: str
    conf: dict[str, Any]
    created_by: str
    shared: bool
    created_at: datetime
    updated_at: datetime


class ConfigList(msgspec.Struct):
    configs: list[SavedConfig]


class AuditEntry(msgspec.Struct):
    id: UUID
    timestamp: datetime
    user: str
    deployment: str
    dag_id: str | None
    run_id: str | None
    action: str
    details: dict[str, Any]
    ip_address: str | None
    outcome: str
    status_code: int | None
    reason: str | None


class AuditPage(msgspec.Struct):
    entries: list[AuditEntry]
    total: int
    page: int
    limit: int
