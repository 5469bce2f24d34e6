"""Airflow's wire shapes → Airdeck's domain models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from airdeck_adapters.airflow.wire import (
    WireBackfill,
    WireDag,
    WireDagDetail,
    WireDagRun,
    WireDagVersion,
    WireTask,
    WireTaskInstance,
)
from airdeck_domain.backfills import Backfill
from airdeck_domain.conf import params_to_schema
from airdeck_domain.models import Dag, DagDetail, DagRun, DagVersion, Task, TaskInstance
from airdeck_domain.redaction import redact_addresses
from airdeck_domain.schedule import describe


def _schedule(wire: WireDag) -> str | None:
    if wire.timetable_summary:
        return wire.timetable_summary
    interval: Any = wire.schedule_interval
    if isinstance(interval, dict):
        return str(interval.get("value")) if interval.get("value") else None
    return None


def _dag_fields(wire: WireDag, deployment: str) -> dict[str, Any]:
    schedule = _schedule(wire)
    return {
        "dag_id": wire.dag_id,
        "display_name": wire.dag_display_name or wire.dag_id,
        "deployment": deployment,
        "description": wire.description,
        "is_paused": bool(wire.is_paused),
        "schedule": schedule,
        "schedule_description": describe(schedule),
        "owners": list(wire.owners),
        "tags": sorted(tag.name for tag in wire.tags),
        "next_run": (
            wire.next_dagrun_run_after
            or wire.next_dagrun_logical_date
            or wire.next_dagrun_create_after
            or wire.next_dagrun
        ),
        "max_active_runs": wire.max_active_runs,
        "file_path": wire.relative_fileloc or wire.fileloc,
        "has_import_errors": bool(wire.has_import_errors),
    }


def dag(wire: WireDag, deployment: str) -> Dag:
    """A DAG as listed."""
    return Dag(**_dag_fields(wire, deployment))


def dag_version(wire: WireDagVersion) -> DagVersion:
    """One version of a DAG, with the bundle (and its version) it was parsed from."""
    return DagVersion(
        version_number=wire.version_number,
        version_id=wire.id,
        bundle_version=wire.bundle_version,
        created_at=wire.created_at,
        bundle_name=wire.bundle_name,
    )


def dag_detail(wire: WireDagDetail, deployment: str) -> DagDetail:
    """A DAG with params, doc and version."""
    params = wire.params or {}
    version = wire.latest_dag_version
    return DagDetail(
        **_dag_fields(wire, deployment),
        params=params,
        params_schema=params_to_schema(params),
        doc_md=wire.doc_md,
        latest_dag_version=dag_version(version) if version else None,
        bundle_version=wire.bundle_version,
        max_active_tasks=wire.max_active_tasks,
        catchup=wire.catchup,
        start_date=wire.start_date,
        timezone=wire.timezone,
    )


def _run_after(wire: WireDagRun) -> datetime | None:
    """When the run was due. Airflow 2 does not say: a scheduled run (or a backfill) was due at
    the end of its data interval, as Airflow 3 has it; any other one when it was made, at its
    logical date (a manual run's data interval ends before it, at the last schedule tick)."""
    if wire.run_after is not None:
        return wire.run_after
    if wire.run_type in ("scheduled", "backfill"):
        return wire.data_interval_end
    return wire.logical_date


def dag_run(wire: WireDagRun, deployment: str) -> DagRun:
    """A run; its duration is computed when Airflow does not send one."""
    duration = wire.duration
    if duration is None and wire.start_date and wire.end_date:
        duration = (wire.end_date - wire.start_date).total_seconds()
    return DagRun(
        run_id=wire.dag_run_id,
        dag_id=wire.dag_id,
        state=wire.state,
        run_type=wire.run_type,
        triggered_by=wire.triggered_by,
        logical_date=wire.logical_date,
        run_after=_run_after(wire),
        queued_at=wire.queued_at,
        start_date=wire.start_date,
        end_date=wire.end_date,
        duration_seconds=duration,
        conf=wire.conf or {},
        note=wire.note,
        deployment=deployment,
        dag_versions=[dag_version(v) for v in wire.dag_versions],
        bundle_version=wire.bundle_version,
    )


def backfill(wire: WireBackfill, deployment: str) -> Backfill:
    """A backfill as Airflow 3 keeps it."""
    return Backfill(
        id=wire.id,
        dag_id=wire.dag_id,
        from_date=wire.from_date,
        to_date=wire.to_date,
        conf=wire.dag_run_conf or {},
        is_paused=wire.is_paused,
        reprocess_behavior=wire.reprocess_behavior,
        max_active_runs=wire.max_active_runs,
        created_at=wire.created_at,
        completed_at=wire.completed_at,
        updated_at=wire.updated_at,
        deployment=deployment,
    )


def task(wire: WireTask) -> Task:
    """A task of a DAG's structure."""
    task_id = wire.task_id or ""
    return Task(
        task_id=task_id,
        label=wire.task_display_name or task_id,
        operator=wire.operator_name,
        ui_color=wire.ui_color,
        ui_fgcolor=wire.ui_fgcolor,
        trigger_rule=wire.trigger_rule,
        downstream_task_ids=sorted(wire.downstream_task_ids or []),
        is_mapped=bool(wire.is_mapped),
        retries=int(wire.retries) if wire.retries is not None else None,
        doc_md=wire.doc_md,
    )


def task_instance(wire: WireTaskInstance) -> TaskInstance:
    """One task instance (or one try of it, from its tries)."""
    return TaskInstance(
        task_id=wire.task_id,
        map_index=wire.map_index,
        state=wire.state,
        queued_at=wire.queued_when,
        start_date=wire.start_date,
        end_date=wire.end_date,
        duration=wire.duration,
        try_number=wire.try_number,
        max_tries=wire.max_tries,
        operator=wire.operator_name or wire.operator,
        pool=wire.pool,
        queue=wire.queue,
        # Often a pod address: the same address policy as logs (no internal IPs leave).
        hostname=redact_addresses(wire.hostname) if wire.hostname else wire.hostname,
        rendered_map_index=wire.rendered_map_index,
    )
