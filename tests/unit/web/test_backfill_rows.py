"""What the Backfills tab shows of a backfill and of a dry run, and the form's inputs turned
into the API's body, checked before it is sent."""

from __future__ import annotations

from airdeck_web.backfill_request import MAX_ACTIVE_RUNS, backfill_request
from airdeck_web.backfill_rows import backfill_row, day_or_time, planned_dates, state_counts
from airdeck_web.models import ApiBackfill, BackfillPlan

RUNNING: ApiBackfill = {
    "id": 7,
    "dag_id": "etl_pipeline",
    "from_date": "2025-04-01T00:00:00Z",
    "to_date": "2025-04-03T00:00:00Z",
    "is_paused": False,
    "reprocess_behavior": "failed",
    "max_active_runs": 2,
    "created_at": "2026-12-03T08:00:00Z",
    "completed_at": None,
    "progress": {"states": {"success": 1, "running": 1, "queued": 1}, "total": 3, "done": 1},
}


def test_a_running_backfill_shows_its_range_progress_and_settings() -> None:
    row = backfill_row(RUNNING)
    assert row["range"] == "2025-04-01 → 2025-04-03"
    assert (row["status"], row["active"], row["paused"]) == ("running", True, False)
    assert (row["progress"], row["percent"]) == ("1 of 3 done", 33)
    assert [(s["state"], s["count"]) for s in row["states"]] == [
        ("queued", 1),
        ("running", 1),
        ("success", 1),
    ], "in the order a run goes through them"
    assert row["settings"] == "missing and failed dates · 2 at a time"
    assert row["created_exact"] == "2026-12-03 08:00:00 UTC"


def test_paused_and_completed_backfills_say_so() -> None:
    paused = backfill_row({**RUNNING, "is_paused": True})
    assert (paused["status"], paused["active"], paused["paused"]) == ("paused", True, True)
    done = backfill_row({**RUNNING, "is_paused": True, "completed_at": "2026-12-03T08:05:00Z"})
    assert (done["status"], done["active"]) == ("completed", False)


def test_a_progress_not_read_is_unknown_not_zero() -> None:
    row = backfill_row({**RUNNING, "progress": None})
    assert (row["progress"], row["percent"], row["states"]) == ("unknown", 0, [])
    empty = backfill_row({**RUNNING, "progress": {"states": {}, "total": 0, "done": 0}})
    assert (empty["progress"], empty["percent"]) == ("0 of 0 done", 0)


def test_unknown_states_follow_the_known_ones_and_empty_ones_are_left_out() -> None:
    counts = state_counts({"zombie": 1, "failed": 2, "queued": 0, "success": 1})
    assert [(c["state"], c["count"]) for c in counts] == [
        ("success", 1),
        ("failed", 2),
        ("zombie", 1),
    ]


def test_days_read_as_days_and_other_times_exactly() -> None:
    assert day_or_time("2025-04-01T00:00:00+00:00") == "2025-04-01"
    assert day_or_time("2025-04-01T02:00:00+02:00") == "2025-04-01", "midnight UTC"
    assert day_or_time("2025-04-01T06:30:00Z") == "2025-04-01 06:30:00 UTC"
    assert day_or_time(None) == "" and day_or_time("soon") == "soon"


def test_a_dry_run_lists_its_logical_dates_in_order() -> None:
    plan: BackfillPlan = {
        "dag_id": "etl_pipeline",
        "total": 3,
        "runs": [
            {"logical_date": "2025-04-03T00:00:00Z", "partition_key": None},
            {"logical_date": "2025-04-02T00:00:00Z", "partition_key": None},
            {"logical_date": None, "partition_key": "eu"},
        ],
    }
    assert planned_dates(plan) == ["2025-04-03", "2025-04-02", "eu"]


def test_the_inputs_become_the_apis_body_for_whole_utc_days() -> None:
    request, errors = backfill_request(
        "2025-04-01", "2025-04-03", "completed", " 3 ", True, {"region": "eu"}
    )
    assert errors == {}
    assert request == {
        "from_date": "2025-04-01T00:00:00Z",
        "to_date": "2025-04-03T00:00:00Z",
        "reprocess_behavior": "completed",
        "max_active_runs": 3,
        "run_backwards": True,
        "conf": {"region": "eu"},
    }


def test_each_bad_input_is_named_as_the_api_names_it() -> None:
    request, errors = backfill_request("", "April", "sometimes", "0", False, {})
    assert request is None
    assert errors == {
        "from_date": "choose a day",
        "to_date": "is not a day (YYYY-MM-DD)",
        "reprocess_behavior": "choose none, failed or completed",
        "max_active_runs": f"a whole number from 1 to {MAX_ACTIVE_RUNS}",
    }
    _, backwards = backfill_request("2025-04-03", "2025-04-01", "none", "10", False, {})
    assert backwards == {"to_date": "is before from_date"}
    _, too_many = backfill_request("2025-04-01", "2025-04-01", "none", "101", False, {})
    assert set(too_many) == {"max_active_runs"}
