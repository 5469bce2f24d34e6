"""Airflow's REST response shapes, decoded with msgspec.

Only the fields Airdeck reads are declared; msgspec ignores the rest, so new Airflow fields
never break decoding. These structs stay inside the adapter: callers get domain models.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class WireTag(msgspec.Struct):
    name: str


class WireDagVersion(msgspec.Struct):
    version_number: int
    id: str | None = None
    bundle_version: str | None = None
    created_at: datetime | None = None
    bundle_name: str | None = None


class WireDagVersionCollection(msgspec.Struct):
    dag_versions: list[WireDagVersion]
    total_entries: int


class WireDagSource(msgspec.Struct):
    dag_id: str
    content: str | None = None
    version_number: int | None = None


class WireDag(msgspec.Struct):
    dag_id: str
    dag_display_name: str | None = None
    is_paused: bool | None = None
    description: str | None = None
    timetable_summary: str | None = None
    timetable_description: str | None = None
    tags: list[WireTag] = []
    owners: list[str] = []
    max_active_runs: int | None = None
    max_active_tasks: int | None = None
    relative_fileloc: str | None = None
    fileloc: str | None = None
    has_import_errors: bool | None = None
    next_dagrun_run_after: datetime | None = None
    next_dagrun_logical_date: datetime | None = None
    bundle_version: str | None = None
    # Airflow 2 (/api/v1) names the schedule and the next run differently.
    schedule_interval: Any = None
    next_dagrun: datetime | None = None
    next_dagrun_create_after: datetime | None = None


class WireDagDetail(WireDag):
    params: dict[str, Any] | None = None
    doc_md: str | None = None
    catchup: bool | None = None
    start_date: datetime | None = None
    timezone: str | None = None
    latest_dag_version: WireDagVersion | None = None


class WireDagCollection(msgspec.Struct):
    dags: list[WireDag]
    total_entries: int


class WireDagRun(msgspec.Struct):
    dag_run_id: str
    dag_id: str
    state: str | None = None
    run_type: str | None = None
    triggered_by: str | None = None
    logical_date: datetime | None = None
    run_after: datetime | None = None
    queued_at: datetime | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    duration: float | None = None
    conf: dict[str, Any] | None = None
    note: str | None = None
    # Airflow 2 (/api/v1) has no run_after: a scheduled run was due at its interval's end.
    data_interval_end: datetime | None = None
    # Airflow 3 only: the versions the run used, and the bundle version it was created from.
    dag_versions: list[WireDagVersion] = []
    bundle_version: str | None = None


class WireDagRunCollection(msgspec.Struct):
    dag_runs: list[WireDagRun]
    total_entries: int


class WireLatestRun(msgspec.Struct):
    """A run as Airflow 3's own UI lists a DAG's latest ones (``/ui/dags``)."""

    run_id: str
    dag_id: str
    state: str | None = None
    run_after: datetime | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    logical_date: datetime | None = None


class WireDagWithLatestRuns(msgspec.Struct):
    dag_id: str
    latest_dag_runs: list[WireLatestRun] = []


class WireDagsWithLatestRuns(msgspec.Struct):
    dags: list[WireDagWithLatestRuns]


class WireTask(msgspec.Struct):
    task_id: str | None
    task_display_name: str | None = None
    operator_name: str | None = None
    ui_color: str | None = None
    ui_fgcolor: str | None = None
    trigger_rule: str | None = None
    downstream_task_ids: list[str] | None = None
    is_mapped: bool | None = None
    retries: float | None = None
    doc_md: str | None = None


class WireTaskCollection(msgspec.Struct):
    tasks: list[WireTask]


class WireTaskInstance(msgspec.Struct):
    task_id: str
    dag_run_id: str | None = None
    map_index: int = -1
    state: str | None = None
    queued_when: datetime | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    duration: float | None = None
    try_number: int = 0
    max_tries: int = 0
    operator: str | None = None
    operator_name: str | None = None
    pool: str | None = None
    queue: str | None = None
    hostname: str | None = None
    rendered_map_index: str | None = None


class WireTaskInstanceCollection(msgspec.Struct):
    task_instances: list[WireTaskInstance]
    total_entries: int


class WireLog(msgspec.Struct):
    content: list[dict[str, Any] | str] | str
    continuation_token: str | None = None


class WireComponent(msgspec.Struct):
    status: str | None = None
    latest_scheduler_heartbeat: datetime | None = None
    latest_dag_processor_heartbeat: datetime | None = None
    latest_triggerer_heartbeat: datetime | None = None


class WireHealth(msgspec.Struct):
    metadatabase: WireComponent | None = None
    scheduler: WireComponent | None = None
    triggerer: WireComponent | None = None
    dag_processor: WireComponent | None = None


class WireToken(msgspec.Struct):
    access_token: str


class WireClearedInstances(msgspec.Struct):
    task_instances: list[WireTaskInstance]
    total_entries: int | None = None


class WireVersion(msgspec.Struct):
    version: str
    git_version: str | None = None


class WireBackfill(msgspec.Struct):
    id: int
    dag_id: str
    from_date: datetime
    to_date: datetime
    dag_run_conf: dict[str, Any] | None = None
    is_paused: bool = False
    reprocess_behavior: str = "none"
    max_active_runs: int | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None
    updated_at: datetime | None = None


class WireBackfillCollection(msgspec.Struct):
    backfills: list[WireBackfill]
    total_entries: int


class WireRunState(msgspec.Struct):
    state: str | None = None


class WireRunStates(msgspec.Struct):
    """A page of runs read for their states alone."""

    dag_runs: list[WireRunState]
    total_entries: int


class WirePlannedRun(msgspec.Struct):
    logical_date: datetime | None = None
    partition_key: str | None = None


class WirePlannedRuns(msgspec.Struct):
    backfills: list[WirePlannedRun]
    total_entries: int
