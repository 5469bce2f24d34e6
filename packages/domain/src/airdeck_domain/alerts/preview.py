"""How often a rule would have fired over the last days: its conditions replayed over the
history of the DAGs it covers, each through the evaluator the worker runs, fed at every past
moment what the worker would have seen then (docs/adr/0024, "Preview")."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec
from croniter import croniter

from airdeck_domain.alerts.evaluation import (
    AlertEvent,
    DagFacts,
    DagKey,
    FailedTask,
    Observation,
    evaluate,
    zone_of,
)
from airdeck_domain.alerts.rules import (
    AlertRule,
    ComponentUnhealthy,
    Condition,
    Deadline,
    RuleSpec,
    RunDuration,
    RunMissing,
    Selector,
    TaskFailed,
)
from airdeck_domain.models import Dag, DagRun
from airdeck_domain.run_calendar import cron_of

PREVIEW_DAYS = 30
"""How far back a preview replays."""
LEAD = timedelta(days=1)
"""How much history before the window a replay reads: a deadline judges runs since the local
day's start, a duration's median the successes before the run."""
MAX_TICKS = 5000
"""Schedule ticks a missing-run replay judges at most, shared among the DAGs (newest first)."""
MAX_FIRINGS = 200
"""Firings a preview lists (``fired`` counts them all)."""
PREVIEW_RULE = "preview"
HEALTH_UNRECORDED = (
    "Airflow keeps no history of its components' health, so past outages cannot be replayed; "
    "this condition fires only from the moment the rule is saved"
)


class History(msgspec.Struct, kw_only=True):
    """What a preview replays: the window ``[since, now]``; every DAG of the deployments read
    (as selectors see them, with their schedules' time zones where a schedule condition needs
    them); the runs of the DAGs the rule covers started since ``since - LEAD``; the task
    instances that ended ``failed`` in the window (read only for a task condition); and whether
    Airflow held more of either than was read."""

    now: datetime
    since: datetime
    dags: Sequence[DagFacts]
    runs: Sequence[DagRun] = ()
    failed_tasks: Sequence[FailedTask] = ()
    truncated: bool = False


class Firing(msgspec.Struct, frozen=True, kw_only=True):
    """One time the rule would have fired: for what (its condition's kind, the DAG, run and
    task), when, and the sentence its message would have carried."""

    kind: str
    deployment: str
    at: datetime
    reason: str
    dag_id: str | None = None
    run_id: str | None = None
    task_id: str | None = None


class Unreplayed(msgspec.Struct, frozen=True, kw_only=True):
    """A condition the history cannot tell about, and why (``condition``: its index)."""

    condition: int
    kind: str
    reason: str


class Preview(msgspec.Struct, kw_only=True):
    """How often the rule would have fired in ``[since, until]`` (``fired``; None when none of
    its conditions can be replayed, see ``not_replayed``), the newest ``MAX_FIRINGS`` firings,
    how many DAGs it covers, and whether the history was cut short (``truncated``: more runs
    or schedule ticks than were read, so the count is a lower bound)."""

    days: int
    since: datetime
    until: datetime
    dags: int
    fired: int | None
    firings: list[Firing]
    not_replayed: list[Unreplayed]
    truncated: bool = False


def facts_of(dag: Dag, timezone: str = "UTC") -> DagFacts:
    """A DAG (with the product's team, environment and custom tags merged in) as a rule's
    selector and schedule conditions see it."""
    return DagFacts(
        deployment=dag.deployment,
        dag_id=dag.dag_id,
        tags=frozenset(dag.tags) | frozenset(dag.custom_tags),
        team=dag.owner_team,
        environment=dag.environment,
        schedule=dag.schedule,
        timezone=timezone,
        is_paused=dag.is_paused,
    )


def covered(selector: Selector, dags: Iterable[DagFacts]) -> list[DagFacts]:
    """The DAGs ``selector`` watches."""
    return [facts for facts in dags if selector.matches(facts.scope())]


def needs_failed_tasks(spec: RuleSpec) -> bool:
    """Whether replaying ``spec`` needs the task instances that failed (a task condition)."""
    return any(isinstance(c, TaskFailed) for c in spec.conditions)


def needs_timezones(spec: RuleSpec) -> bool:
    """Whether replaying ``spec`` needs its DAGs' schedule time zones (a deadline or a
    missing run)."""
    return any(isinstance(c, Deadline | RunMissing) for c in spec.conditions)


def window(now: datetime, days: int = PREVIEW_DAYS) -> tuple[datetime, datetime]:
    """``[since, now]`` of a preview at ``now``."""
    return now - timedelta(days=days), now


def preview(spec: RuleSpec, history: History) -> Preview:
    """How often, and for what, ``spec`` would have fired in the history's window whatever its
    mute or snooze: every condition that history can tell about replayed through the worker's
    evaluator (a run failed, a task failed, a run too long judged at its end or now, a deadline
    on each day of the window, a schedule tick with no run). Events repeat by dedup key as the
    worker's do and count once. A DAG's deadlines and ticks are judged only from its first run
    in the history on (before it, the DAG may not have existed)."""
    dags = covered(spec.selector, history.dags)
    found: dict[str, AlertEvent] = {}
    skipped: list[Unreplayed] = []
    truncated = history.truncated
    for index, condition in enumerate(spec.conditions):
        if isinstance(condition, ComponentUnhealthy):
            skipped.append(
                Unreplayed(condition=index, kind="component_unhealthy", reason=HEALTH_UNRECORDED)
            )
            continue
        rule = AlertRule(
            id=PREVIEW_RULE, spec=msgspec.structs.replace(spec, conditions=[condition])
        )
        events, cut = _replay(rule, condition, history, dags)
        truncated = truncated or cut
        for event in events:
            if history.since <= event.occurred_at <= history.now:
                found.setdefault(event.key, event)
    ordered = sorted(found.values(), key=lambda e: e.occurred_at, reverse=True)
    replayable = len(skipped) < len(spec.conditions)
    return Preview(
        days=round((history.now - history.since) / timedelta(days=1)),
        since=history.since,
        until=history.now,
        dags=len(dags),
        fired=len(ordered) if replayable else None,
        firings=[_firing(event) for event in ordered[:MAX_FIRINGS]],
        not_replayed=skipped,
        truncated=truncated,
    )


def _firing(event: AlertEvent) -> Firing:
    return Firing(
        kind=str(event.kind),
        deployment=event.deployment,
        at=event.occurred_at,
        reason=event.summary,
        dag_id=event.dag_id,
        run_id=event.run_id,
        task_id=event.task_id,
    )


def _replay(
    rule: AlertRule, condition: Condition, history: History, dags: Sequence[DagFacts]
) -> tuple[list[AlertEvent], bool]:
    """The events one condition's rule fires over the history, and whether its replay was cut
    short."""
    if isinstance(condition, RunDuration):
        return list(_slow_runs(rule, condition, history, dags)), False
    if isinstance(condition, Deadline):
        return list(_deadlines(rule, condition, history, dags)), False
    if isinstance(condition, RunMissing):
        return _missing_runs(rule, condition, history, dags)
    # A failed run or task is judged the same whenever it is seen: one look at it all.
    seen = Observation(
        now=history.now,
        dags=dags,
        changed_runs=history.runs,
        failed_tasks=history.failed_tasks,
    )
    return evaluate([rule], seen), False


def _moment(run: DagRun) -> datetime | None:
    """When a run counts as started for a schedule tick (as the worker's missing-run check
    reads it)."""
    return run.run_after or run.queued_at or run.start_date


def _first_runs(runs: Iterable[DagRun]) -> dict[DagKey, datetime]:
    first: dict[DagKey, datetime] = {}
    for run in runs:
        moment = _moment(run)
        key = (run.deployment, run.dag_id)
        if moment is not None and (key not in first or moment < first[key]):
            first[key] = moment
    return first


def _successes_by_end(runs: Iterable[DagRun]) -> tuple[list[datetime], list[DagRun]]:
    """The successful runs in the order they ended, and their ends."""
    ended = sorted(
        ((run.end_date, run) for run in runs if run.state == "success" and run.end_date),
        key=lambda pair: pair[0],
    )
    return [end for end, _ in ended], [run for _, run in ended]


def _slow_runs(
    rule: AlertRule, condition: RunDuration, history: History, dags: Sequence[DagFacts]
) -> Iterator[AlertEvent]:
    """Each run judged at its end (or now, while it runs), against the successes of its DAG
    that had ended by then, newest first, as many as the median reads."""
    successes: dict[DagKey, list[DagRun]] = {}
    ends: dict[DagKey, list[datetime]] = {}
    for end, run in zip(*_successes_by_end(history.runs), strict=True):
        successes.setdefault((run.deployment, run.dag_id), []).append(run)
        ends.setdefault((run.deployment, run.dag_id), []).append(end)
    keep = condition.median_runs + 1
    watched = {facts.key: facts for facts in dags}
    for run in history.runs:
        key = (run.deployment, run.dag_id)
        if key not in watched:
            continue
        moment = run.end_date or history.now
        cut = bisect.bisect_left(ends.get(key, []), moment)
        earlier = successes.get(key, [])[max(0, cut - keep) : cut][::-1]
        seen = Observation(
            now=moment, dags=[watched[key]], changed_runs=[run], history={key: earlier}
        )
        yield from evaluate([rule], seen)


def _deadlines(
    rule: AlertRule, condition: Deadline, history: History, dags: Sequence[DagFacts]
) -> Iterator[AlertEvent]:
    """Each day of the window judged at its deadline, with the successes that had ended by
    then, for the DAGs that had run by then."""
    zone = ZoneInfo(condition.timezone)
    ends, successes = _successes_by_end(history.runs)
    first = _first_runs(history.runs)
    day = history.since.astimezone(zone).date()
    while day <= history.now.astimezone(zone).date():
        deadline = datetime.combine(day, condition.time_of_day(), zone)
        day += timedelta(days=1)
        if not history.since <= deadline <= history.now:
            continue
        known = [f for f in dags if f.key in first and first[f.key] <= deadline]
        lo = bisect.bisect_left(ends, deadline - 2 * LEAD)
        hi = bisect.bisect_right(ends, deadline)
        seen = Observation(now=deadline, dags=known, recent_runs=successes[lo:hi])
        yield from evaluate([rule], seen)


def _missing_runs(
    rule: AlertRule, condition: RunMissing, history: History, dags: Sequence[DagFacts]
) -> tuple[list[AlertEvent], bool]:
    """Each schedule tick of the window (the newest ``MAX_TICKS``, shared among the DAGs)
    judged ``grace_minutes`` after it, with the runs that had started by then; whether some
    ticks were left out."""
    grace = timedelta(minutes=condition.grace_minutes)
    scheduled = [f for f in dags if not f.is_paused and cron_of(f.schedule) is not None]
    if not scheduled:
        return [], False
    share = max(1, MAX_TICKS // len(scheduled))
    first = _first_runs(history.runs)
    events: list[AlertEvent] = []
    cut = False
    for facts in scheduled:
        if facts.key not in first:
            continue
        runs = sorted(
            (
                (moment, run)
                for run in history.runs
                if (run.deployment, run.dag_id) == facts.key
                if (moment := _moment(run)) is not None
            ),
            key=lambda pair: pair[0],
        )
        moments = [moment for moment, _ in runs]
        ticks = _ticks_back(facts, history.now - grace, max(history.since, first[facts.key]))
        for count, tick in enumerate(ticks):
            if count == share:
                cut = True
                break
            due = tick + grace
            # What the worker's read of recent runs would have held that its check counts:
            # the runs started from the tick until it judged it.
            lo, hi = bisect.bisect_left(moments, tick), bisect.bisect_right(moments, due)
            seen = Observation(now=due, dags=[facts], recent_runs=[run for _, run in runs[lo:hi]])
            events += evaluate([rule], seen)
    return events, cut


def _ticks_back(facts: DagFacts, before: datetime, since: datetime) -> Iterator[datetime]:
    """The DAG's schedule ticks at or before ``before`` and not before ``since``, newest
    first, in its time zone."""
    expression = cron_of(facts.schedule)
    if expression is None:
        return
    ticks = croniter(
        expression, (before + timedelta(seconds=1)).astimezone(zone_of(facts.timezone))
    )
    while True:
        tick: datetime = ticks.get_prev(datetime)
        if tick < since:
            return
        yield tick
