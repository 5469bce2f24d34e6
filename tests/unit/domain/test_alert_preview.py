"""A rule's preview: its conditions replayed over 30 days of history through the worker's
evaluators, each past moment judged with what the worker would have seen then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from airdeck_domain.alerts.evaluation import DagFacts, FailedTask
from airdeck_domain.alerts.preview import (
    MAX_TICKS,
    History,
    covered,
    facts_of,
    needs_failed_tasks,
    needs_timezones,
    preview,
    window,
)
from airdeck_domain.alerts.rules import (
    ComponentUnhealthy,
    Condition,
    Deadline,
    RuleSpec,
    RunDuration,
    RunFailed,
    RunMissing,
    Selector,
    TaskFailed,
    Webhook,
)
from airdeck_domain.models import Dag, DagRun

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
SINCE, _ = window(NOW)
DAILY = DagFacts(deployment="default", dag_id="etl", schedule="0 6 * * *", team="data")
HOURLY = DagFacts(deployment="default", dag_id="hourly", schedule="0 * * * *", team="data")
ADHOC = DagFacts(deployment="default", dag_id="adhoc", team="ops")


def spec(*conditions: Condition, selector: Selector | None = None) -> RuleSpec:
    return RuleSpec(
        name="r",
        selector=selector or Selector(deployment="default", dag_id="etl"),
        conditions=list(conditions),
        channels=[Webhook(url="https://hooks.example.com/x")],
    )


def run(
    run_id: str,
    state: str,
    start: datetime,
    minutes: float | None = 10,
    *,
    dag_id: str = "etl",
) -> DagRun:
    end = start + timedelta(minutes=minutes) if minutes is not None else None
    return DagRun(
        run_id=run_id,
        dag_id=dag_id,
        state=state,
        run_after=start,
        start_date=start,
        end_date=end,
        duration_seconds=minutes * 60 if minutes is not None else None,
    )


def history(*runs: DagRun, **fields: object) -> History:
    made = History(now=NOW, since=SINCE, dags=[DAILY, HOURLY, ADHOC], runs=list(runs))
    return msgspec.structs.replace(made, **fields)


def test_failed_runs_of_the_window_count_newest_first_with_what_fired() -> None:
    old = run("old", "failed", SINCE - timedelta(hours=3))
    first = run("first", "failed", NOW - timedelta(days=20))
    second = run("second", "failed", NOW - timedelta(days=2))
    other = run("other", "failed", NOW - timedelta(days=1), dag_id="adhoc")
    ok = run("ok", "success", NOW - timedelta(days=1))
    shown = preview(spec(RunFailed()), history(old, first, second, other, ok))
    assert (shown.fired, shown.dags, shown.days) == (2, 1, 30)
    assert [(f.kind, f.dag_id, f.run_id) for f in shown.firings] == [
        ("run_failed", "etl", "second"),
        ("run_failed", "etl", "first"),
    ]
    assert shown.firings[0].at == second.end_date
    assert shown.firings[0].reason == "Run second of etl failed"
    assert shown.not_replayed == [] and not shown.truncated


def test_the_same_event_under_two_conditions_counts_once() -> None:
    failed = run("r", "failed", NOW - timedelta(days=3))
    assert preview(spec(RunFailed(), RunFailed()), history(failed)).fired == 1


def test_failed_tasks_of_the_covered_dags_count() -> None:
    tasks = [
        FailedTask(
            deployment="default",
            dag_id=dag_id,
            run_id="r",
            task_id="load",
            try_number=2,
            end_date=NOW - timedelta(days=days),
        )
        for dag_id, days in (("etl", 1), ("etl", 40), ("adhoc", 1))
    ]
    shown = preview(spec(TaskFailed()), history(failed_tasks=tasks))
    assert shown.fired == 1
    assert (shown.firings[0].task_id, shown.firings[0].kind) == ("load", "task_failed")


def test_a_long_run_fires_at_its_end_and_a_running_one_now() -> None:
    quick = run("quick", "success", NOW - timedelta(days=5), 5)
    slow = run("slow", "success", NOW - timedelta(days=4), 90)
    running = run("running", "running", NOW - timedelta(hours=2), None)
    shown = preview(spec(RunDuration(above_seconds=3600)), history(quick, slow, running))
    assert shown.fired == 2
    assert {(f.run_id, f.at) for f in shown.firings} == {
        ("slow", slow.end_date),
        ("running", NOW),
    }


def test_a_median_judges_each_run_by_the_successes_ended_before_it() -> None:
    # Three 10-minute successes, then a 25-minute run: above 2x the median of those before it.
    # The first runs had too little history to be judged at all.
    steady = [run(f"s{n}", "success", NOW - timedelta(days=10 - n)) for n in range(3)]
    slow = run("slow", "success", NOW - timedelta(days=5), 25)
    condition = RunDuration(median_factor=2.0, min_history=3)
    shown = preview(spec(condition), history(*steady, slow))
    assert [f.run_id for f in shown.firings] == ["slow"]
    assert "2 x the median 600 s of the last 3 successful runs" in shown.firings[0].reason
    # With one more success after it, the slow run is still judged by what preceded it only.
    later = run("later", "success", NOW - timedelta(days=1), 12)
    assert preview(spec(condition), history(*steady, slow, later)).fired == 1


def test_each_day_without_a_success_by_the_deadline_fires_from_the_dags_first_run() -> None:
    # The DAG first ran 10 days ago; it succeeded by 07:00 on every day since but two.
    days = [NOW.replace(hour=6, minute=0) - timedelta(days=n) for n in range(10, -1, -1)]
    runs = [
        run(f"d{n}", "failed" if n in (3, 7) else "success", day, 20) for n, day in enumerate(days)
    ]
    shown = preview(spec(Deadline(at="07:00")), history(*runs))
    assert shown.fired == 2
    missed = sorted(f.at for f in shown.firings)
    assert missed == [days[3].replace(hour=7), days[7].replace(hour=7)]
    assert all(f.kind == "deadline" and f.dag_id == "etl" for f in shown.firings)


def test_each_tick_no_run_started_for_fires_once_its_grace_is_over() -> None:
    start = NOW - timedelta(hours=6)
    ticks = [start + timedelta(hours=n) for n in range(7)]  # 06:00 .. 12:00
    runs = [run(f"h{n}", "success", tick, 5, dag_id="hourly") for n, tick in enumerate(ticks)]
    del runs[2], runs[3]  # no run for the 08:00 and 10:00 ticks
    condition = RunMissing(grace_minutes=15)
    shown = preview(spec(condition, selector=Selector(dag_id="hourly")), history(*runs))
    # The 12:00 tick's grace is not over at NOW: it is not judged yet.
    assert sorted(f.at for f in shown.firings) == [
        ticks[2] + timedelta(minutes=15),
        ticks[4] + timedelta(minutes=15),
    ]
    assert not shown.truncated


def test_ticks_beyond_the_budget_are_left_out_and_said_so() -> None:
    every_minute = msgspec.structs.replace(HOURLY, dag_id="busy", schedule="* * * * *")
    first = run("first", "success", SINCE, 1, dag_id="busy")
    shown = preview(
        spec(RunMissing(grace_minutes=0), selector=Selector(dag_id="busy")),
        history(first, dags=[every_minute]),
    )
    assert shown.truncated
    assert shown.fired == MAX_TICKS


def test_health_cannot_be_replayed_and_says_so_rather_than_zero() -> None:
    alone = preview(spec(ComponentUnhealthy()), history())
    assert alone.fired is None
    (skipped,) = alone.not_replayed
    assert (skipped.condition, skipped.kind) == (0, "component_unhealthy")
    assert "no history" in skipped.reason
    mixed = preview(
        spec(RunFailed(), ComponentUnhealthy()), history(run("r", "failed", NOW - timedelta(1)))
    )
    assert mixed.fired == 1 and [u.condition for u in mixed.not_replayed] == [1]


def test_a_history_cut_short_marks_the_count_a_lower_bound() -> None:
    assert preview(spec(RunFailed()), history(truncated=True)).truncated


def test_what_a_replay_needs_read_and_which_dags_it_covers() -> None:
    assert needs_failed_tasks(spec(TaskFailed())) and not needs_failed_tasks(spec(RunFailed()))
    assert needs_timezones(spec(RunMissing())) and needs_timezones(spec(Deadline(at="07:00")))
    assert not needs_timezones(spec(RunDuration(above_seconds=1)))
    team = covered(Selector(team="data"), [DAILY, HOURLY, ADHOC])
    assert [f.dag_id for f in team] == ["etl", "hourly"]


def test_a_dags_product_data_joins_its_airflow_tags_for_selectors() -> None:
    dag = Dag(
        dag_id="etl",
        display_name="ETL",
        deployment="eu",
        tags=["airflow-tag"],
        custom_tags=["product-tag"],
        owner_team="data",
        environment="prod",
        schedule="@daily",
    )
    facts = facts_of(dag, "Europe/Paris")
    assert facts.tags == frozenset({"airflow-tag", "product-tag"})
    assert (facts.key, facts.team, facts.environment, facts.timezone) == (
        ("eu", "etl"),
        "data",
        "prod",
        "Europe/Paris",
    )
    assert Selector(tag="product-tag", environment="prod").matches(facts.scope())
