"""The schedule calendar of one deployment: the DAGs the caller may see, filtered, with their
runs in the window and their expected ones, laid out by the domain."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import msgspec

from airdeck_api.services.context import RequestContext
from airdeck_api.services.dags import DagCatalog, DagQuery
from airdeck_api.services.fleet import Fleet
from airdeck_api.services.product import scope_of
from airdeck_domain import caching
from airdeck_domain.errors import DomainError
from airdeck_domain.merging import ALL_DEPLOYMENTS
from airdeck_domain.models import Dag, DagRun, UnavailableDeployment
from airdeck_domain.rbac import decide
from airdeck_domain.run_calendar import (
    Calendar,
    CalendarView,
    ScheduledDag,
    calendar,
    cron_of,
    merged,
    window_of,
)

MOST_RUNS = 2000
"""The most past runs one calendar reads (20 Airflow calls): beyond, the calendar says so."""


def _now() -> datetime:
    return datetime.now(UTC)


class CalendarQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which window, in which time zone, of which DAGs (any of ``tags``; ``team`` and
    ``environment`` from the product DB)."""

    day: date
    view: CalendarView = "month"
    timezone: str = "UTC"
    tags: tuple[str, ...] = ()
    team: str | None = None
    environment: str | None = None


class DagCalendar(Calendar, frozen=True, kw_only=True):
    """A calendar, whether its window had more runs than were read, and (across deployments)
    the deployments that could not be read."""

    runs_truncated: bool = False
    unavailable: list[UnavailableDeployment] = msgspec.field(default_factory=list)


async def fleet_calendar(fleet: Fleet, deployment: str | None, query: CalendarQuery) -> DagCalendar:
    """The calendar of ``deployment`` (the default one when None), or, for ``*``, of every
    deployment the caller may see in one: their days merged, each entry naming its deployment,
    those that could not be read in ``unavailable`` while the others still show."""
    if deployment != ALL_DEPLOYMENTS:
        return await CalendarService(fleet.context(deployment)).calendar(query)
    read: list[DagCalendar] = []
    unavailable: list[UnavailableDeployment] = []
    # One at a time: every context shares the request's DB session.
    for profile in fleet.visible:
        try:
            read.append(await CalendarService(fleet.context(profile.id)).calendar(query))
        except DomainError as exc:
            unavailable.append(UnavailableDeployment(deployment=profile.id, message=exc.message))
    if not read:
        window = window_of(query.day, query.view, query.timezone)
        read.append(DagCalendar(**msgspec.structs.asdict(calendar(window, [], [], now=_now()))))
    return DagCalendar(
        **msgspec.structs.asdict(merged(read)),
        runs_truncated=any(c.runs_truncated for c in read),
        unavailable=unavailable,
    )


class _Runs(msgspec.Struct):
    items: list[DagRun]
    truncated: bool


class CalendarService:
    """The calendar for one deployment. Cold, it costs Airflow the DAG list (shared with the
    DAG list's cache), one read per 100 runs in the window, and one detail read per scheduled
    DAG for its time zone (kept for minutes); warm, nothing."""

    def __init__(self, context: RequestContext, clock: Callable[[], datetime] = _now) -> None:
        self.airflow = context.airflow
        self.cache = context.cache
        self.catalog = DagCatalog(context.airflow, context.cache)
        self.product = context.product
        self.access = context.access
        self.clock = clock

    async def calendar(self, query: CalendarQuery) -> DagCalendar:
        """The week or month around ``query.day``: the caller's visible DAGs matching the
        filters, each run started in the window and each run the schedules still expect."""
        window = window_of(query.day, query.view, query.timezone)
        user = self.access.principal.subject
        every = await self.product.annotate(await self.catalog.every_dag(DagQuery()), user)
        dags = [d for d in every if self._matches(d, query)]
        zones = await self.catalog.timezones([d.dag_id for d in dags if self._predictable(d)])
        runs = await self._runs(window.start, window.end)
        laid_out = calendar(
            window,
            [
                ScheduledDag(
                    dag_id=d.dag_id,
                    display_name=d.display_name,
                    schedule=d.schedule,
                    deployment=self.airflow.name,
                    timezone=zones.get(d.dag_id, "UTC"),
                    is_paused=d.is_paused,
                    next_run=d.next_run,
                )
                for d in dags
            ],
            runs.items,
            now=self.clock(),
        )
        return DagCalendar(**msgspec.structs.asdict(laid_out), runs_truncated=runs.truncated)

    def _matches(self, dag: Dag, query: CalendarQuery) -> bool:
        if query.tags and not set(query.tags) & (set(dag.tags) | set(dag.custom_tags)):
            return False
        if query.team and dag.owner_team != query.team:
            return False
        if query.environment and dag.environment != query.environment:
            return False
        return decide(self.access.principal, "dags:read", scope_of(dag)).allowed

    @staticmethod
    def _predictable(dag: Dag) -> bool:
        return not dag.is_paused and cron_of(dag.schedule) is not None

    async def _runs(self, start: datetime, end: datetime) -> _Runs:
        rule = caching.runs_started_between(
            self.airflow.name, start.astimezone(UTC).isoformat(), end.astimezone(UTC).isoformat()
        )

        async def load() -> _Runs:
            items, truncated = await self.airflow.runs_started_between(start, end, most=MOST_RUNS)
            return _Runs(items=items, truncated=truncated)

        return await self.cache.read(rule, _Runs, load)
