"""Turning what the worker observed of Airflow into alert events, each with a dedup key that
stays the same however often the same thing is observed (restarts and overlapping reads
included), so every (rule, event) is delivered once."""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from croniter import croniter

from airdeck_domain.alerts.rules import (
    AlertRule,
    ComponentUnhealthy,
    ConditionKind,
    Deadline,
    RunDuration,
    RunFailed,
    RunMissing,
    TaskFailed,
)
from airdeck_domain.models import DagRun, Health
from airdeck_domain.rbac import DagScope
from airdeck_domain.run_calendar import cron_of

MISSING_HORIZON = timedelta(hours=36)
"""How far back a schedule tick is judged for a missing run: the worker reads the runs started
in the last two days, which covers any run a tick this recent could have."""
UNHEALTHY_STATUSES = frozenset({"unhealthy", "degraded"})

DagKey = tuple[str, str]
"""(deployment, dag_id)."""


class DagFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What a rule's selector and schedule conditions need to know of a DAG."""

    deployment: str
    dag_id: str
    tags: frozenset[str] = frozenset()
    team: str | None = None
    environment: str | None = None
    schedule: str | None = None
    timezone: str = "UTC"
    is_paused: bool = False

    @property
    def key(self) -> DagKey:
        return (self.deployment, self.dag_id)

    def scope(self) -> DagScope:
        """The DAG as selectors (and grants) see it."""
        return DagScope(
            dag_id=self.dag_id,
            tags=self.tags,
            owner_team=self.team,
            environment=self.environment,
            deployment=self.deployment,
        )


class FailedTask(msgspec.Struct, frozen=True, kw_only=True):
    """A task instance Airflow reports ``failed``."""

    deployment: str
    dag_id: str
    run_id: str
    task_id: str
    map_index: int = -1
    try_number: int = 0
    end_date: datetime | None = None


class UnhealthySince(msgspec.Struct, frozen=True, kw_only=True):
    """A component of a deployment not healthy since ``since`` (still so when last checked)."""

    deployment: str
    component: str
    since: datetime
    message: str | None = None


class Observation(msgspec.Struct, kw_only=True):
    """What the worker read in one cycle.

    ``changed_runs``: runs changed since the cursor; ``failed_tasks``: task instances that
    failed since then; ``history``: each DAG's latest finished runs, newest first (for
    medians); ``recent_runs``: runs started in the last two days (deadlines, missing runs);
    ``unhealthy``: components not healthy, with since when."""

    now: datetime
    dags: Sequence[DagFacts]
    changed_runs: Sequence[DagRun] = ()
    failed_tasks: Sequence[FailedTask] = ()
    history: Mapping[DagKey, Sequence[DagRun]] = msgspec.field(default_factory=dict)
    recent_runs: Sequence[DagRun] = ()
    unhealthy: Sequence[UnhealthySince] = ()


class AlertEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One thing a rule fires for. ``key`` is its dedup key: a hash of the rule and what
    identifies the event (the run, the task try, the day, the tick, the outage)."""

    key: str
    rule_id: str
    rule_name: str
    kind: ConditionKind | str
    deployment: str
    summary: str
    occurred_at: datetime
    dag_id: str | None = None
    run_id: str | None = None
    task_id: str | None = None


def dedup_key(rule_id: str, kind: str, *parts: object) -> str:
    """The stable key of (rule, event): SHA-256 of the rule id, the condition and the parts
    identifying the event, hex."""
    text = "\x1f".join([rule_id, kind, *(str(p) for p in parts)])
    return hashlib.sha256(text.encode()).hexdigest()


def evaluate(rules: Iterable[AlertRule], seen: Observation) -> list[AlertEvent]:
    """Every event the active rules fire for what was ``seen``, each once (duplicates within
    one observation are merged; across observations the keys repeat)."""
    dags = {facts.key: facts for facts in seen.dags}
    events: dict[str, AlertEvent] = {}
    for rule in rules:
        if not rule.active(seen.now):
            continue
        watched = {key for key, facts in dags.items() if rule.spec.selector.matches(facts.scope())}
        for condition in rule.spec.conditions:
            found: Iterator[AlertEvent]
            if isinstance(condition, RunFailed):
                found = _run_failures(rule, seen, watched)
            elif isinstance(condition, TaskFailed):
                found = _task_failures(rule, seen, watched)
            elif isinstance(condition, RunDuration):
                found = _slow_runs(rule, condition, seen, watched)
            elif isinstance(condition, Deadline):
                found = _missed_deadlines(rule, condition, seen, [dags[k] for k in watched])
            elif isinstance(condition, RunMissing):
                found = _missing_runs(rule, condition, seen, [dags[k] for k in watched])
            else:
                found = _outages(rule, condition, seen)
            for event in found:
                events.setdefault(event.key, event)
    return list(events.values())


def _event(
    rule: AlertRule,
    kind: ConditionKind,
    parts: Sequence[object],
    *,
    deployment: str,
    summary: str,
    occurred_at: datetime,
    dag_id: str | None = None,
    run_id: str | None = None,
    task_id: str | None = None,
) -> AlertEvent:
    return AlertEvent(
        key=dedup_key(rule.id, kind, *parts),
        rule_id=rule.id,
        rule_name=rule.spec.name,
        kind=kind,
        deployment=deployment,
        summary=summary,
        occurred_at=occurred_at,
        dag_id=dag_id,
        run_id=run_id,
        task_id=task_id,
    )


def _run_failures(rule: AlertRule, seen: Observation, watched: set[DagKey]) -> Iterator[AlertEvent]:
    for run in seen.changed_runs:
        if run.state != "failed" or (run.deployment, run.dag_id) not in watched:
            continue
        yield _event(
            rule,
            "run_failed",
            (run.deployment, run.dag_id, run.run_id, _iso(run.end_date)),
            deployment=run.deployment,
            dag_id=run.dag_id,
            run_id=run.run_id,
            summary=f"Run {run.run_id} of {run.dag_id} failed",
            occurred_at=run.end_date or seen.now,
        )


def _task_failures(
    rule: AlertRule, seen: Observation, watched: set[DagKey]
) -> Iterator[AlertEvent]:
    for task in seen.failed_tasks:
        if (task.deployment, task.dag_id) not in watched:
            continue
        label = task.task_id if task.map_index < 0 else f"{task.task_id}[{task.map_index}]"
        yield _event(
            rule,
            "task_failed",
            (
                task.deployment,
                task.dag_id,
                task.run_id,
                task.task_id,
                task.map_index,
                task.try_number,
            ),
            deployment=task.deployment,
            dag_id=task.dag_id,
            run_id=task.run_id,
            task_id=task.task_id,
            summary=f"Task {label} of {task.dag_id} failed in run {task.run_id} "
            f"(try {task.try_number}, retries spent)",
            occurred_at=task.end_date or seen.now,
        )


def run_seconds(run: DagRun, now: datetime) -> float | None:
    """How long a run took, or has been running so far (None before it started)."""
    if run.start_date is None:
        return None
    if run.end_date is not None:
        return run.duration_seconds or (run.end_date - run.start_date).total_seconds()
    return (now - run.start_date).total_seconds()


def _finished_seconds(run: DagRun) -> float | None:
    if run.start_date is None or run.end_date is None:
        return None
    return run.duration_seconds or (run.end_date - run.start_date).total_seconds()


def duration_limit(
    condition: RunDuration, run_id: str, history: Sequence[DagRun]
) -> tuple[float, str] | None:
    """The lowest limit a run of this DAG may not pass under ``condition``, and how it was
    set; None when no limit applies (no threshold, too little history for a median)."""
    limits: list[tuple[float, str]] = []
    if condition.above_seconds is not None:
        limits.append((condition.above_seconds, f"the {condition.above_seconds:g} s threshold"))
    if condition.median_factor is not None:
        durations = [
            finished
            for run in history
            if run.state == "success" and run.run_id != run_id
            if (finished := _finished_seconds(run)) is not None
        ][: condition.median_runs]
        if len(durations) >= condition.min_history:
            median = statistics.median(durations)
            limits.append(
                (
                    condition.median_factor * median,
                    f"{condition.median_factor:g} x the median {median:.0f} s of the last "
                    f"{len(durations)} successful runs",
                )
            )
    return min(limits) if limits else None


def _slow_runs(
    rule: AlertRule, condition: RunDuration, seen: Observation, watched: set[DagKey]
) -> Iterator[AlertEvent]:
    for run in seen.changed_runs:
        key = (run.deployment, run.dag_id)
        if key not in watched:
            continue
        seconds = run_seconds(run, seen.now)
        limit = duration_limit(condition, run.run_id, seen.history.get(key, ()))
        if seconds is None or limit is None or seconds <= limit[0]:
            continue
        verb = "took" if run.end_date else "has been running for"
        yield _event(
            rule,
            "run_duration",
            (run.deployment, run.dag_id, run.run_id),
            deployment=run.deployment,
            dag_id=run.dag_id,
            run_id=run.run_id,
            summary=f"Run {run.run_id} of {run.dag_id} {verb} {seconds:.0f} s, above {limit[1]}",
            occurred_at=seen.now,
        )


def zone_of(name: str) -> ZoneInfo:
    """The IANA time zone ``name``, or UTC for a name that is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def runs_on(facts: DagFacts, day: date, zone: ZoneInfo) -> bool:
    """Whether the DAG's schedule fires on ``day`` of ``zone``'s calendar (never for a paused
    DAG or a schedule cron can't read)."""
    expression = cron_of(facts.schedule)
    if facts.is_paused or expression is None:
        return False
    start = datetime.combine(day, datetime.min.time(), zone)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone)
    local = zone_of(facts.timezone)
    ticks = croniter(expression, (start - timedelta(seconds=1)).astimezone(local))
    tick: datetime = ticks.get_next(datetime)
    return tick < end


def _missed_deadlines(
    rule: AlertRule, condition: Deadline, seen: Observation, dags: Sequence[DagFacts]
) -> Iterator[AlertEvent]:
    zone = zone_of(condition.timezone)
    local = seen.now.astimezone(zone)
    deadline = datetime.combine(local.date(), condition.time_of_day(), zone)
    day_start = datetime.combine(local.date(), datetime.min.time(), zone)
    if seen.now < deadline:
        return
    for facts in dags:
        if not runs_on(facts, local.date(), zone):
            continue
        succeeded = any(
            run.deployment == facts.deployment
            and run.dag_id == facts.dag_id
            and run.state == "success"
            and run.end_date is not None
            and day_start <= run.end_date <= deadline
            for run in seen.recent_runs
        )
        if succeeded:
            continue
        yield _event(
            rule,
            "deadline",
            (
                facts.deployment,
                facts.dag_id,
                local.date().isoformat(),
                condition.at,
                condition.timezone,
            ),
            deployment=facts.deployment,
            dag_id=facts.dag_id,
            summary=f"{facts.dag_id} had not succeeded by {condition.at} {condition.timezone} "
            f"on {local.date().isoformat()}",
            occurred_at=deadline,
        )


def last_tick(facts: DagFacts, before: datetime) -> datetime | None:
    """The schedule's last tick at or before ``before`` (None for a paused DAG or a schedule
    cron can't read)."""
    expression = cron_of(facts.schedule)
    if facts.is_paused or expression is None:
        return None
    local = zone_of(facts.timezone)
    ticks = croniter(expression, (before + timedelta(seconds=1)).astimezone(local))
    tick: datetime = ticks.get_prev(datetime)
    return tick


def _missing_runs(
    rule: AlertRule, condition: RunMissing, seen: Observation, dags: Sequence[DagFacts]
) -> Iterator[AlertEvent]:
    due_before = seen.now - timedelta(minutes=condition.grace_minutes)
    for facts in dags:
        tick = last_tick(facts, due_before)
        if tick is None or tick < seen.now - MISSING_HORIZON:
            continue
        started = any(
            run.deployment == facts.deployment
            and run.dag_id == facts.dag_id
            and (moment := run.run_after or run.queued_at or run.start_date) is not None
            and moment >= tick
            for run in seen.recent_runs
        )
        if started:
            continue
        yield _event(
            rule,
            "run_missing",
            (facts.deployment, facts.dag_id, tick.isoformat()),
            deployment=facts.deployment,
            dag_id=facts.dag_id,
            summary=f"{facts.dag_id} should have started a run at {tick.isoformat()} "
            f"and none has {condition.grace_minutes} min later",
            occurred_at=seen.now,
        )


def _outages(
    rule: AlertRule, condition: ComponentUnhealthy, seen: Observation
) -> Iterator[AlertEvent]:
    for part in seen.unhealthy:
        if not rule.spec.selector.watches_deployment(part.deployment):
            continue
        if condition.component is not None and part.component not in (
            condition.component,
            "deployment",
        ):
            continue
        lasted = (seen.now - part.since).total_seconds()
        if lasted < condition.for_seconds:
            continue
        yield _event(
            rule,
            "component_unhealthy",
            (part.deployment, part.component, part.since.isoformat()),
            deployment=part.deployment,
            summary=f"{part.component} of deployment {part.deployment} unhealthy for "
            f"{lasted:.0f} s" + (f": {part.message}" if part.message else ""),
            occurred_at=seen.now,
        )


def unhealthy_components(
    previous: Mapping[str, datetime], health: Health, now: datetime
) -> dict[str, UnhealthySince]:
    """Which components of a deployment are not healthy now, each with since when: the time
    already known from ``previous`` (component → since) or ``now`` for a new outage. A
    deployment that could not be asked is its component ``deployment``."""
    parts: dict[str, tuple[str | None, str | None]]
    if not health.reachable:
        parts = {"deployment": ("unhealthy", health.message)}
    else:
        parts = {
            name: (component.status, component.message)
            for name, component in (
                ("scheduler", health.scheduler),
                ("db", health.db),
                ("dag_processor", health.dag_processor),
                ("triggerer", health.triggerer),
            )
        }
    return {
        name: UnhealthySince(
            deployment=health.deployment,
            component=name,
            since=previous.get(name, now),
            message=message,
        )
        for name, (status, message) in parts.items()
        if status in UNHEALTHY_STATUSES
    }


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""
