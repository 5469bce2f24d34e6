"""Alert rules and their pure evaluation: selectors, checks, every condition, stable keys."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from airdeck_domain.alerts.evaluation import (
    AlertEvent,
    DagFacts,
    FailedTask,
    Observation,
    UnhealthySince,
    dedup_key,
    duration_limit,
    evaluate,
    unhealthy_components,
)
from airdeck_domain.alerts.messages import slack_body, webhook_body
from airdeck_domain.alerts.rules import (
    AlertRule,
    ComponentUnhealthy,
    Condition,
    Deadline,
    Email,
    RuleSpec,
    RunDuration,
    RunFailed,
    RunMissing,
    Selector,
    Slack,
    TaskFailed,
    Webhook,
    rule_errors,
    url_problem,
)
from airdeck_domain.models import ComponentHealth, DagRun, Health
from airdeck_domain.rbac import Grant

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
HOOK = Webhook(url="https://hooks.example.com/airdeck", secret="s" * 20)
ETL = DagFacts(
    deployment="default",
    dag_id="etl",
    tags=frozenset({"finance"}),
    team="data",
    schedule="@daily",
)
ADHOC = DagFacts(deployment="default", dag_id="adhoc", team="data")


def rule(*conditions: Condition, selector: Selector | None = None, **fields: object) -> AlertRule:
    spec = RuleSpec(
        name="r",
        selector=selector or Selector(dag_id="etl"),
        conditions=list(conditions),
        channels=[HOOK],
    )
    return msgspec.structs.replace(AlertRule(id="rule-1", spec=spec), **fields)


def run(
    run_id: str,
    state: str | None,
    *,
    dag_id: str = "etl",
    start: datetime | None = None,
    end: datetime | None = None,
    run_after: datetime | None = None,
) -> DagRun:
    return DagRun(
        run_id=run_id,
        dag_id=dag_id,
        state=state,
        start_date=start,
        end_date=end,
        run_after=run_after or start,
        deployment="default",
    )


def seen(**fields: object) -> Observation:
    return msgspec.structs.replace(Observation(now=NOW, dags=[ETL, ADHOC]), **fields)


# -- rules ------------------------------------------------------------------------------------


def test_selector_matches_every_field_it_sets() -> None:
    assert Selector(team="data").matches(ETL.scope())
    assert Selector(team="data", tag="finance").matches(ETL.scope())
    assert not Selector(team="data", tag="finance").matches(ADHOC.scope())
    assert not Selector().matches(ETL.scope())


def test_selector_within_a_grant_sets_each_of_its_selectors() -> None:
    grant = Grant(role="operator", owner_team="data")
    assert Selector(team="data", dag_id="etl").within(grant)
    assert not Selector(dag_id="etl").within(grant)
    assert not Selector(team="other").within(grant)


def test_rule_errors_name_each_bad_field() -> None:
    spec = RuleSpec(
        name="r",
        selector=Selector(),
        conditions=[
            Deadline(at="25:00", timezone="Mars/Olympus"),
            RunDuration(),
            ComponentUnhealthy(component="webserver"),
        ],
        channels=[
            Webhook(url="ftp://example.com/x"),
            Slack(url="http://10.0.0.5/hook"),
            Email(to=["nobody"]),
        ],
    )
    errors = rule_errors(spec)
    assert set(errors) == {
        "selector",
        "conditions[0].at",
        "conditions[0].timezone",
        "conditions[1]",
        "conditions[2].component",
        "channels[0].url",
        "channels[1].url",
        "channels[2].to",
    }
    assert "AIRDECK_ALERTS_ALLOW_PRIVATE_URLS" in errors["channels[1].url"]
    assert rule_errors(rule(RunFailed()).spec) == {}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9000/x",
        "http://localhost/x",
        "http://[::1]/x",
        "http://169.254.169.254/latest",
        "https://192.168.1.2/",
        "http://[::ffff:10.1.2.3]/",
        "http://printer.local/",
    ],
)
def test_local_urls_are_refused_unless_allowed(url: str) -> None:
    assert url_problem(url, allow_private=False)
    assert url_problem(url, allow_private=True) is None


@given(st.ip_addresses())
def test_an_ip_url_is_refused_exactly_when_not_global(address: ipaddress._BaseAddress) -> None:
    host = f"[{address}]" if address.version == 6 else str(address)
    refused = url_problem(f"https://{host}/hook", allow_private=False) is not None
    mapped = getattr(address, "ipv4_mapped", None)
    effective = mapped or address
    assert refused == (not effective.is_global or effective.is_multicast)


def test_rule_json_round_trips_with_tagged_conditions_and_channels() -> None:
    spec = rule(RunFailed(), RunDuration(median_factor=2.0), Deadline(at="07:30")).spec
    encoded = msgspec.json.encode(spec)
    assert b'"kind":"run_duration"' in encoded and b'"kind":"webhook"' in encoded
    assert msgspec.json.decode(encoded, type=RuleSpec) == spec


# -- evaluation -------------------------------------------------------------------------------


def test_a_failed_run_fires_once_per_rule_with_a_stable_key() -> None:
    failed = run("r1", "failed", start=NOW - timedelta(minutes=5), end=NOW)
    observed = seen(changed_runs=[failed, failed, run("r2", "success", start=NOW, end=NOW)])
    (event,) = evaluate([rule(RunFailed())], observed)
    assert (event.kind, event.dag_id, event.run_id) == ("run_failed", "etl", "r1")
    assert evaluate([rule(RunFailed())], observed) == [event]
    other = evaluate([msgspec.structs.replace(rule(RunFailed()), id="rule-2")], observed)
    assert other[0].key != event.key


def test_runs_of_dags_the_selector_does_not_match_fire_nothing() -> None:
    failed = run("r1", "failed", dag_id="adhoc", start=NOW, end=NOW)
    assert evaluate([rule(RunFailed())], seen(changed_runs=[failed])) == []
    assert (
        len(
            evaluate(
                [rule(RunFailed(), selector=Selector(team="data"))], seen(changed_runs=[failed])
            )
        )
        == 1
    )


def test_muted_and_snoozed_rules_fire_nothing_until_the_snooze_ends() -> None:
    observed = seen(changed_runs=[run("r1", "failed", start=NOW, end=NOW)])
    assert evaluate([rule(RunFailed(), muted=True)], observed) == []
    assert evaluate([rule(RunFailed(), snoozed_until=NOW + timedelta(minutes=1))], observed) == []
    assert len(evaluate([rule(RunFailed(), snoozed_until=NOW)], observed)) == 1


def test_a_task_failure_fires_per_try() -> None:
    task = FailedTask(deployment="default", dag_id="etl", run_id="r1", task_id="load", try_number=3)
    again = msgspec.structs.replace(task, try_number=4)
    events = evaluate([rule(TaskFailed())], seen(failed_tasks=[task, task, again]))
    assert [e.task_id for e in events] == ["load", "load"]
    assert len({e.key for e in events}) == 2


def test_a_run_above_the_threshold_fires_while_running() -> None:
    running = run("r1", "running", start=NOW - timedelta(seconds=90))
    quick = run("r2", "running", start=NOW - timedelta(seconds=30))
    (event,) = evaluate([rule(RunDuration(above_seconds=60))], seen(changed_runs=[running, quick]))
    assert event.run_id == "r1" and "90 s" in event.summary


def test_the_median_limit_needs_enough_history_and_leaves_the_run_out() -> None:
    def done(run_id: str, seconds: float) -> DagRun:
        return run(run_id, "success", start=NOW - timedelta(seconds=seconds), end=NOW)

    history = [done("h1", 10), done("h2", 20), done("h3", 30), done("slow", 500)]
    condition = RunDuration(median_factor=2.0, median_runs=3, min_history=3)
    limit = duration_limit(condition, "slow", history)
    assert limit is not None and limit[0] == 40
    assert duration_limit(condition, "slow", history[:2]) is None
    observed = seen(changed_runs=[history[3]], history={("default", "etl"): history})
    (event,) = evaluate([rule(condition)], observed)
    assert event.run_id == "slow"


def test_a_deadline_fires_once_the_time_passed_without_a_success_that_day() -> None:
    condition = Deadline(at="07:00", timezone="Europe/Paris")
    (event,) = evaluate([rule(condition)], seen())
    assert event.kind == "deadline" and "2026-03-10" in event.summary
    on_time = run("d", "success", start=NOW.replace(hour=5), end=NOW.replace(hour=5, minute=30))
    assert evaluate([rule(condition)], seen(recent_runs=[on_time])) == []
    late = run("d", "success", start=NOW.replace(hour=9), end=NOW.replace(hour=9, minute=30))
    assert len(evaluate([rule(condition)], seen(recent_runs=[late]))) == 1
    assert evaluate([rule(Deadline(at="13:30", timezone="UTC"))], seen()) == []


def test_a_deadline_skips_days_the_schedule_does_not_run() -> None:
    weekends = msgspec.structs.replace(ETL, schedule="0 6 * * 6,0")  # NOW is a Tuesday
    assert evaluate([rule(Deadline(at="07:00"))], seen(dags=[weekends])) == []
    paused = msgspec.structs.replace(ETL, is_paused=True)
    assert evaluate([rule(Deadline(at="07:00"))], seen(dags=[paused])) == []


def test_a_missing_run_fires_for_the_last_tick_past_its_grace() -> None:
    hourly = msgspec.structs.replace(ETL, schedule="0 * * * *")
    (event,) = evaluate([rule(RunMissing(grace_minutes=10))], seen(dags=[hourly]))
    assert "11:00" in event.summary  # the 12:00 tick is still within its grace
    started = run(
        "t", "running", start=NOW.replace(hour=11, minute=1), run_after=NOW.replace(hour=11)
    )
    assert (
        evaluate([rule(RunMissing(grace_minutes=10))], seen(dags=[hourly], recent_runs=[started]))
        == []
    )


def test_an_outage_fires_once_it_lasted_long_enough() -> None:
    down = UnhealthySince(
        deployment="default", component="scheduler", since=NOW - timedelta(minutes=6)
    )
    health_rule = rule(ComponentUnhealthy(for_seconds=300), selector=Selector(deployment="default"))
    (event,) = evaluate([health_rule], seen(unhealthy=[down]))
    assert event.kind == "component_unhealthy"
    fresh = msgspec.structs.replace(down, since=NOW - timedelta(seconds=30))
    assert evaluate([health_rule], seen(unhealthy=[fresh])) == []
    elsewhere = msgspec.structs.replace(down, deployment="other")
    assert evaluate([health_rule], seen(unhealthy=[elsewhere])) == []


def test_unhealthy_components_keep_when_each_outage_began() -> None:
    ok = ComponentHealth(status="healthy")
    bad = ComponentHealth(status="unhealthy", message="no heartbeat")
    health = Health(
        deployment="default",
        reachable=True,
        status="unhealthy",
        scheduler=bad,
        db=ok,
        dag_processor=ok,
        triggerer=ok,
    )
    first = unhealthy_components({}, health, NOW)
    assert set(first) == {"scheduler"} and first["scheduler"].since == NOW
    later = unhealthy_components(
        {"scheduler": first["scheduler"].since}, health, NOW + timedelta(minutes=1)
    )
    assert later["scheduler"].since == NOW
    gone = Health(
        deployment="default",
        reachable=False,
        status="unhealthy",
        scheduler=ok,
        db=ok,
        dag_processor=ok,
        triggerer=ok,
        message="refused",
    )
    assert set(unhealthy_components({}, gone, NOW)) == {"deployment"}


states = st.sampled_from(["failed", "success", "running", "queued"])
runs = st.builds(
    run,
    st.text("abcdef", min_size=1, max_size=4),
    states,
    dag_id=st.sampled_from(["etl", "adhoc"]),
    start=st.just(NOW - timedelta(minutes=30)),
    end=st.none() | st.just(NOW),
)


@given(st.lists(runs, max_size=12), st.randoms())
def test_evaluation_is_deterministic_and_ignores_repeats_and_order(
    changed: list[DagRun], shuffler: object
) -> None:
    rules = [
        rule(RunFailed(), RunDuration(above_seconds=600)),
        rule(RunFailed(), selector=Selector(team="data")),
    ]
    once = evaluate(rules, seen(changed_runs=changed))
    reordered = list(changed) * 2
    shuffler.shuffle(reordered)  # type: ignore[attr-defined]
    twice = evaluate(rules, seen(changed_runs=reordered))
    assert {e.key for e in once} == {e.key for e in twice}
    assert len({e.key for e in once}) == len(once)


def test_dedup_keys_hash_their_parts() -> None:
    assert dedup_key("a", "run_failed", "x") == dedup_key("a", "run_failed", "x")
    assert dedup_key("a", "run_failed", "x", "y") != dedup_key("a", "run_failed", "x\x1fy", "")
    assert len(dedup_key("a", "b")) == 64


def test_messages_name_the_delivery_and_the_event() -> None:
    event = AlertEvent(
        key="k",
        rule_id="r",
        rule_name="Nightly",
        kind="run_failed",
        deployment="default",
        summary="Run r1 of etl failed",
        occurred_at=NOW,
        dag_id="etl",
        run_id="r1",
    )
    body = webhook_body(event, "d1")
    assert body["delivery"] == "d1" and body["event"] == "k" and body["run_id"] == "r1"
    slack = slack_body(event, "d1")
    assert slack["text"] == "[airdeck] Nightly: Run r1 of etl failed"
    assert "*DAG:* etl" in slack["blocks"][1]["text"]["text"]
