"""What changed in a deployment since a moment, read the way the alert worker needs it: every
DAG's runs changed since then, and the task instances that failed since then, each in one call
per 100 rows (``~`` stands for every DAG and run; both API versions take these parameters)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec

from airdeck_adapters.airflow import translate
from airdeck_adapters.airflow.client import AIRFLOW_PAGE_LIMIT, AirflowClient
from airdeck_adapters.airflow.wire import WireDagRunCollection
from airdeck_domain.alerts.evaluation import FailedTask
from airdeck_domain.models import DagRun


class WireFailedInstance(msgspec.Struct):
    dag_id: str
    dag_run_id: str
    task_id: str
    map_index: int = -1
    try_number: int = 0
    end_date: datetime | None = None


class WireFailedInstances(msgspec.Struct):
    task_instances: list[WireFailedInstance]
    total_entries: int


async def runs_changed_since(
    client: AirflowClient, since: datetime, *, most: int = 1000
) -> list[DagRun]:
    """Every DAG's runs whose row changed at or after ``since`` (created, queued, started,
    finished, cleared…), least recently changed first, at most ``most``."""
    endpoint = client._path("dags/~/dagRuns")
    found: list[DagRun] = []
    while len(found) < most:
        page = await client._call(
            "GET",
            endpoint,
            WireDagRunCollection,
            params=[
                ("updated_at_gte", since.isoformat()),
                ("order_by", "updated_at"),
                ("limit", AIRFLOW_PAGE_LIMIT),
                ("offset", len(found)),
            ],
        )
        found += [translate.dag_run(wire, client.name) for wire in page.dag_runs]
        if not page.dag_runs or len(found) >= page.total_entries:
            break
    return found[:most]


async def tasks_failed_since(
    client: AirflowClient, since: datetime, *, most: int = 1000, dag_ids: Sequence[str] = ()
) -> list[FailedTask]:
    """Every task instance (only ``dag_ids``' when given) that ended ``failed`` at or after
    ``since`` (Airflow marks one failed only once its retries are spent), at most ``most``."""
    endpoint = client._path("dags/~/dagRuns/~/taskInstances/list")
    only = {"dag_ids": list(dag_ids)} if dag_ids else {}
    found: list[FailedTask] = []
    while len(found) < most:
        page = await client._call(
            "POST",
            endpoint,
            WireFailedInstances,
            json={
                "state": ["failed"],
                "end_date_gte": since.isoformat(),
                "page_offset": len(found),
                "page_limit": AIRFLOW_PAGE_LIMIT,
                **only,
            },
        )
        found += [
            FailedTask(
                deployment=client.name,
                dag_id=wire.dag_id,
                run_id=wire.dag_run_id,
                task_id=wire.task_id,
                map_index=wire.map_index,
                try_number=wire.try_number,
                end_date=wire.end_date,
            )
            for wire in page.task_instances
        ]
        if not page.task_instances or len(found) >= page.total_entries:
            break
    return found[:most]
