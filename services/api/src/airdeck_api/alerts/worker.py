"""``airdeck worker``'s engine: every cycle it reads each deployment once for the runs changed
since its cursor (plus, only where a rule needs them, the tasks failed since then, the
finished runs of DAGs a median judges, the runs of the last two days for deadlines and missing
runs, and the health), evaluates every rule, records what fired, moves the cursor, then sends
what is due. Never one Airflow call per rule."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from contextlib import suppress
from datetime import datetime, timedelta
from os import getpid
from pathlib import Path

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from airdeck_adapters.airflow import AirflowClient, Deployments
from airdeck_adapters.airflow.changes import runs_changed_since, tasks_failed_since
from airdeck_adapters.db.alert_services import AlertCursorService
from airdeck_adapters.db.services import PipelineMetadataService
from airdeck_api.alerts.delivery import Clock, Deliveries, load_rules, utc_now
from airdeck_api.alerts.heartbeat import Heartbeat, beat
from airdeck_domain.alerts.evaluation import (
    AlertEvent,
    DagFacts,
    DagKey,
    Observation,
    UnhealthySince,
    evaluate,
    unhealthy_components,
)
from airdeck_domain.alerts.rules import (
    AlertRule,
    ComponentUnhealthy,
    Deadline,
    RunDuration,
    RunMissing,
    TaskFailed,
)
from airdeck_domain.errors import DomainError
from airdeck_domain.health import classify, unreachable
from airdeck_domain.models import Dag, DagRun
from airdeck_domain.run_calendar import cron_of

logger = logging.getLogger("airdeck.alerts")
RECENT = timedelta(days=2)
DAG_LIST_TTL = timedelta(seconds=60)
"""How long a deployment's DAG list (tags, schedules, paused) is reused between cycles."""


class CycleReport(msgspec.Struct, kw_only=True):
    """What one cycle did: events fired, deliveries recorded (new keys) and settled."""

    events: int = 0
    recorded: int = 0
    sent: int = 0
    failed: int = 0
    unreadable: list[str] = msgspec.field(default_factory=list)


class AlertWorker:
    """Evaluates every rule against every deployment and delivers what fires."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        deployments: Deployments,
        deliveries: Deliveries,
        *,
        overlap: timedelta = timedelta(seconds=30),
        lookback: timedelta = timedelta(minutes=10),
        clock: Clock = utc_now,
    ) -> None:
        self.sessions = sessions
        self.deployments = deployments
        self.deliveries = deliveries
        self.overlap = overlap
        self.lookback = lookback
        self.clock = clock
        self._zones: dict[DagKey, str] = {}
        self._listed: dict[str, tuple[datetime, list[Dag]]] = {}

    async def run_forever(
        self, interval: float, stop: asyncio.Event, heartbeat: Path | None = None
    ) -> None:
        """Run cycles ``interval`` seconds apart until ``stop`` is set; a failed cycle is
        logged and the next one runs as planned. Each cycle that finished is recorded at
        ``heartbeat`` (``airdeck worker --check`` reads it)."""
        while not stop.is_set():
            try:
                report = await self.cycle()
                if report.events or report.sent or report.failed:
                    logger.info("alert cycle: %s", msgspec.json.encode(report).decode())
                if heartbeat is not None:
                    done = Heartbeat(finished_at=utc_now(), interval=interval, pid=getpid())
                    beat(heartbeat, done)
            except Exception:
                logger.exception("alert cycle failed")
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    async def cycle(self) -> CycleReport:
        """Read, evaluate, record, move the cursors, send."""
        rules = await load_rules(self.sessions)
        report = CycleReport()
        active = [rule for rule in rules.values() if rule.active(self.clock())]
        for client in self.deployments:
            if not any(_concerns(rule, client.name) for rule in active):
                continue
            events, read_until, unhealthy = await self._observe(client, active)
            if read_until is None:
                report.unreadable.append(client.name)
            stored = await self.deliveries.record(events, rules)
            report.events += len(events)
            report.recorded += len(stored)
            # Only once what fired is recorded: a worker dying before this re-reads the same
            # runs next time, and the dedup keys keep their events from firing twice.
            async with self.sessions() as session:
                await AlertCursorService(session=session).advance(
                    client.name, read_until, unhealthy
                )
        for row in await self.deliveries.send_due(rules):
            if row.status == "sent":
                report.sent += 1
            elif row.status == "failed":
                report.failed += 1
        return report

    async def _observe(
        self, client: AirflowClient, rules: Sequence[AlertRule]
    ) -> tuple[list[AlertEvent], datetime | None, dict[str, str]]:
        """The events of one deployment, how far its runs were read (the cursor unmoved when
        Airflow could not be read) and since when each component has been unhealthy."""
        now = self.clock()
        async with self.sessions() as session:
            cursor = await AlertCursorService(session=session).of(client.name)
        read_until = cursor.read_until if cursor is not None else None
        since = read_until - self.overlap if read_until is not None else now - self.lookback
        try:
            seen = await self._read(client, rules, since, now)
            read_until = now
        except DomainError as exc:
            logger.warning("alerts could not read deployment %s: %s", client.name, exc.message)
            seen = Observation(now=now, dags=[])
        previous = {
            name: datetime.fromisoformat(moment)
            for name, moment in (cursor.unhealthy_since if cursor else {}).items()
        }
        unhealthy = await self._unhealthy(client, rules, previous, now)
        seen.unhealthy = list(unhealthy.values())
        events = evaluate(rules, seen)
        return events, read_until, {n: part.since.isoformat() for n, part in unhealthy.items()}

    async def _read(
        self, client: AirflowClient, rules: Sequence[AlertRule], since: datetime, now: datetime
    ) -> Observation:
        """What the rules need of the deployment's runs: those changed since ``since``, and
        only where a rule needs them, failed tasks, medians' history and recent runs."""
        conditions = [c for rule in rules for c in rule.spec.conditions]
        changed = await runs_changed_since(client, since)
        dags = await self._dags(client, rules)
        watched = {
            facts.key
            for facts in dags
            for rule in rules
            if rule.spec.selector.matches(facts.scope())
        }
        failed = (
            await tasks_failed_since(client, since)
            if any(isinstance(c, TaskFailed) for c in conditions)
            else []
        )
        history = await self._history(client, rules, changed, watched)
        recent: list[DagRun] = []
        if any(isinstance(c, Deadline | RunMissing) for c in conditions) and any(
            cron_of(facts.schedule) for facts in dags if facts.key in watched
        ):
            recent, _ = await client.runs_started_between(now - RECENT, now)
        return Observation(
            now=now,
            dags=dags,
            changed_runs=changed,
            failed_tasks=failed,
            history=history,
            recent_runs=recent,
        )

    async def _unhealthy(
        self,
        client: AirflowClient,
        rules: Sequence[AlertRule],
        previous: Mapping[str, datetime],
        now: datetime,
    ) -> dict[str, UnhealthySince]:
        """The deployment's unhealthy components, asked only when a health rule watches it."""
        if not any(
            isinstance(c, ComponentUnhealthy) and rule.spec.selector.watches_deployment(client.name)
            for rule in rules
            for c in rule.spec.conditions
        ):
            return {}
        try:
            health = classify(client.name, await client.health(), now)
        except DomainError as exc:
            health = unreachable(client.name, exc.message, now)
        return unhealthy_components(previous, health, now)

    async def _dags(self, client: AirflowClient, rules: Sequence[AlertRule]) -> list[DagFacts]:
        """Every DAG of the deployment as selectors see it (Airflow's tags with the product's
        team, environment and custom tags), and, for scheduled DAGs a deadline or missing-run
        rule watches, their time zone (read once per DAG and kept)."""
        fetched = self._listed.get(client.name)
        if fetched is None or fetched[0] <= self.clock() - DAG_LIST_TTL:
            fetched = (self.clock(), await client.every_dag())
            self._listed[client.name] = fetched
        listed = fetched[1]
        async with self.sessions() as session:
            metadata = await PipelineMetadataService(session=session).for_dags(
                client.name, [dag.dag_id for dag in listed]
            )
        facts = []
        for dag in listed:
            meta = metadata.get(dag.dag_id)
            facts.append(
                DagFacts(
                    deployment=client.name,
                    dag_id=dag.dag_id,
                    tags=frozenset(dag.tags) | frozenset(meta.custom_tags if meta else ()),
                    team=meta.owner_team if meta else None,
                    environment=meta.environment if meta else None,
                    schedule=dag.schedule,
                    is_paused=dag.is_paused,
                )
            )
        scheduled = [
            f
            for f in facts
            if cron_of(f.schedule)
            and any(
                isinstance(c, Deadline | RunMissing) and rule.spec.selector.matches(f.scope())
                for rule in rules
                for c in rule.spec.conditions
            )
        ]
        for f in scheduled:
            if f.key not in self._zones:
                detail = await client.get_dag(f.dag_id)
                self._zones[f.key] = detail.timezone or "UTC"
        return [msgspec.structs.replace(f, timezone=self._zones.get(f.key, "UTC")) for f in facts]

    async def _history(
        self,
        client: AirflowClient,
        rules: Sequence[AlertRule],
        changed: Sequence[DagRun],
        watched: set[DagKey],
    ) -> Mapping[DagKey, list[DagRun]]:
        """The latest successful runs of each DAG whose changed runs a median judges (one call
        per such DAG, only when one of its runs changed)."""
        runs = max(
            (
                c.median_runs
                for rule in rules
                for c in rule.spec.conditions
                if isinstance(c, RunDuration) and c.median_factor is not None
            ),
            default=0,
        )
        if not runs:
            return {}
        dag_ids = sorted({run.dag_id for run in changed if (client.name, run.dag_id) in watched})
        found: dict[DagKey, list[DagRun]] = {}
        for dag_id in dag_ids:
            page, _ = await client.list_runs(dag_id, limit=runs + 1, states=["success"])
            found[(client.name, dag_id)] = page
        return found


def _concerns(rule: AlertRule, deployment: str) -> bool:
    return rule.spec.selector.deployment in (None, deployment)
