"""The checks a backfill's range passes before Airflow is asked, and who may backfill."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from airdeck_domain.backfills import MAX_BACKFILL_SPAN, BackfillProgress, progress_of, range_errors
from airdeck_domain.rbac import ROLE_PERMISSIONS, DagScope, Grant, Principal, decide

DAY = datetime(2025, 2, 1, tzinfo=UTC)


def test_a_range_forwards_with_time_zones_passes() -> None:
    assert range_errors(DAY, DAY + timedelta(days=2)) == {}
    assert range_errors(DAY, DAY) == {}, "one day is a range"
    east = timezone(timedelta(hours=9))
    assert range_errors(DAY.astimezone(east), DAY + timedelta(hours=1)) == {}


def test_a_backwards_range_names_to_date() -> None:
    assert range_errors(DAY, DAY - timedelta(seconds=1)) == {"to_date": "is before from_date"}


def test_naive_dates_are_named_each() -> None:
    naive = DAY.replace(tzinfo=None)
    assert set(range_errors(naive, DAY)) == {"from_date"}
    assert set(range_errors(naive, naive)) == {"from_date", "to_date"}


def test_a_range_longer_than_the_bound_is_refused() -> None:
    assert range_errors(DAY, DAY + MAX_BACKFILL_SPAN) == {}
    too_long = range_errors(DAY, DAY + MAX_BACKFILL_SPAN + timedelta(days=1))
    assert set(too_long) == {"to_date"} and str(MAX_BACKFILL_SPAN.days) in too_long["to_date"]


def test_operators_and_admins_backfill_and_grants_scope_it() -> None:
    assert "dags:backfill" in ROLE_PERMISSIONS["operator"]
    assert "dags:backfill" in ROLE_PERMISSIONS["admin"]
    assert "dags:backfill" not in ROLE_PERMISSIONS["viewer"]
    scoped = Principal(subject="f", grants=(Grant(role="operator", owner_team="finance"),))
    finance = DagScope(dag_id="ledger", owner_team="finance")
    other = DagScope(dag_id="etl", owner_team="data")
    assert decide(scoped, "dags:backfill", finance).allowed
    assert not decide(scoped, "dags:backfill", other).allowed
    viewer = Principal(subject="v", grants=(Grant(role="viewer", owner_team="finance"),))
    assert not decide(viewer, "dags:backfill", finance).allowed


def test_progress_counts_the_runs_that_ended_as_done() -> None:
    progress = progress_of({"success": 2, "failed": 1, "running": 1, "queued": 3})
    assert (progress.total, progress.done) == (7, 3)
    assert progress.states == {"success": 2, "failed": 1, "running": 1, "queued": 3}


def test_progress_leaves_out_the_states_no_run_is_in() -> None:
    progress = progress_of({"queued": 0, "running": 0, "success": 3, "failed": 0})
    assert progress == BackfillProgress(states={"success": 3}, total=3, done=3)
    assert progress_of({}) == BackfillProgress(states={}, total=0, done=0)
