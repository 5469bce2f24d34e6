"""What a rule's preview replays, read from Airflow as the worker reads it but over the last
30 days, through the shared cache: per deployment the selector can cover, the DAG list (the
one the DAG list pages keep) with the product's tags, team and environment; the runs of the
covered DAGs started in the window (one batched call per 100 runs); only for a task condition,
their task instances that failed in it (one call per 100); only for a schedule condition, their
time zones (kept like the calendar's). A form previewed again and again within a minute costs
Airflow nothing more."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_adapters.airflow import AirflowClient
from airdeck_adapters.airflow.changes import tasks_failed_since
from airdeck_api.alerts.delivery import Clock, utc_now
from airdeck_api.schemas.alerts import RulePreview
from airdeck_api.services.cached import SharedCache
from airdeck_api.services.dags import DagCatalog, DagQuery
from airdeck_api.services.product import ProductData
from airdeck_domain import caching
from airdeck_domain.alerts.evaluation import FailedTask
from airdeck_domain.alerts.preview import (
    LEAD,
    History,
    covered,
    facts_of,
    needs_failed_tasks,
    needs_timezones,
    preview,
    window,
)
from airdeck_domain.alerts.rules import RuleSpec
from airdeck_domain.errors import DomainError
from airdeck_domain.models import DagRun, UnavailableDeployment
from airdeck_domain.run_calendar import cron_of

MOST_RUNS = 2000
"""Runs a preview reads of one deployment at most (20 Airflow calls)."""
MOST_FAILED_TASKS = 1000
"""Failed task instances a preview reads of one deployment at most (10 Airflow calls)."""


class _Runs(msgspec.Struct):
    items: list[DagRun]
    truncated: bool


class _FailedTasks(msgspec.Struct):
    items: list[FailedTask]


class RuleHistory:
    """Reads the history a rule's preview replays and replays it."""

    def __init__(
        self,
        client_of: Callable[[str], AirflowClient],
        cache: SharedCache,
        session: AsyncSession,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self.client_of = client_of
        self.cache = cache
        self.session = session
        self.clock = clock

    async def preview(self, spec: RuleSpec, deployments: Sequence[str]) -> RulePreview:
        """How often ``spec`` would have fired in the last 30 days across the deployments it
        can cover (its own, or every one of ``deployments``); a deployment that cannot be read
        is named in ``unavailable``."""
        now = self.clock()
        since, _ = window(now)
        names = [spec.selector.deployment] if spec.selector.deployment else list(deployments)
        read: list[History] = []
        unavailable: list[UnavailableDeployment] = []
        # One at a time: every deployment's product data comes from the request's DB session.
        for name in names:
            try:
                read.append(await self._read(self.client_of(name), spec, since, now))
            except DomainError as exc:
                unavailable.append(UnavailableDeployment(deployment=name, message=exc.message))
        history = History(
            now=now,
            since=since,
            dags=[facts for h in read for facts in h.dags],
            runs=[run for h in read for run in h.runs],
            failed_tasks=[task for h in read for task in h.failed_tasks],
            truncated=any(h.truncated for h in read),
        )
        replayed = preview(spec, history)
        return RulePreview(**msgspec.structs.asdict(replayed), unavailable=unavailable)

    async def _read(
        self, client: AirflowClient, spec: RuleSpec, since: datetime, now: datetime
    ) -> History:
        catalog = DagCatalog(client, self.cache)
        listed = await catalog.every_dag(DagQuery())
        dags = await ProductData(self.session, client.name).annotate(listed, "")
        watched = {f.dag_id for f in covered(spec.selector, map(facts_of, dags))}
        zones: dict[str, str] = {}
        if needs_timezones(spec):
            zones = await catalog.timezones(
                [d.dag_id for d in dags if d.dag_id in watched and cron_of(d.schedule)]
            )
        facts = [facts_of(d, zones.get(d.dag_id, "UTC")) for d in dags]
        if not watched:
            return History(now=now, since=since, dags=facts)
        # The reads are keyed by the minute, so previews within one share them.
        minute = now.astimezone(UTC).replace(second=0, microsecond=0)
        start = minute - (now - since) - LEAD
        dag_ids = sorted(watched)
        runs = await self._runs(client, start, minute + timedelta(minutes=1), dag_ids)
        failed: list[FailedTask] = []
        if needs_failed_tasks(spec):
            failed = await self._failed_tasks(client, start + LEAD, dag_ids)
        return History(
            now=now,
            since=since,
            dags=facts,
            runs=runs.items,
            failed_tasks=failed,
            truncated=runs.truncated or len(failed) >= MOST_FAILED_TASKS,
        )

    async def _runs(
        self, client: AirflowClient, start: datetime, end: datetime, dag_ids: list[str]
    ) -> _Runs:
        rule = caching.alert_history(client.name, "runs", start.isoformat(), dag_ids)

        async def load() -> _Runs:
            items, truncated = await client.runs_started_between(
                start, end, most=MOST_RUNS, dag_ids=dag_ids
            )
            return _Runs(items=items, truncated=truncated)

        return await self.cache.read(rule, _Runs, load)

    async def _failed_tasks(
        self, client: AirflowClient, since: datetime, dag_ids: list[str]
    ) -> list[FailedTask]:
        rule = caching.alert_history(client.name, "failed-tasks", since.isoformat(), dag_ids)

        async def load() -> _FailedTasks:
            found = await tasks_failed_since(client, since, most=MOST_FAILED_TASKS, dag_ids=dag_ids)
            return _FailedTasks(items=found)

        return (await self.cache.read(rule, _FailedTasks, load)).items
