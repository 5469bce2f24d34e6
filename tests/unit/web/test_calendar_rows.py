"""The calendar's API answer shaped for the page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from airdeck_web.calendar_rows import SHOWN_PER_DAY, entry_row, weeks_of


def answer(
    view: str, first: date, days: int, entries: dict[date, list[dict[str, Any]]]
) -> dict[str, Any]:
    return {
        "view": view,
        "days": [
            {
                "day": (first + timedelta(i)).isoformat(),
                "entries": entries.get(first + timedelta(i), []),
                "crowded": ["every_minute"] if first + timedelta(i) in entries else [],
            }
            for i in range(days)
        ],
    }


def run(at: str, run_id: str = "manual__a+b/c", state: str | None = "failed") -> dict[str, Any]:
    return {
        "dag_id": "d/1",
        "display_name": "D",
        "at": at,
        "kind": "run",
        "state": state,
        "run_id": run_id,
    }


def test_runs_link_to_their_run_and_expected_ones_to_their_dag() -> None:
    row = entry_row(run("2026-12-02T19:04:30+09:00"))
    assert row["time"] == "19:04" and row["state"] == "failed" and not row["expected"]
    assert row["href"] == "/workflows/d%2F1/runs/manual__a%2Bb%2Fc?deployment=default"
    expected = entry_row(
        {
            "dag_id": "d/1",
            "display_name": "D",
            "at": "2026-12-03T09:00:00+09:00",
            "kind": "expected",
            "deployment": "staging eu",
        }
    )
    assert expected["href"] == "/workflows/d%2F1?deployment=staging%20eu"
    assert expected["state"] == "expected" and expected["deployment"] == "staging eu"
    assert entry_row(run("2026-12-02T01:00:00+00:00", state=None))["state"] == "none"


def test_a_month_is_cut_in_weeks_with_crowded_cells_and_days_out_of_month() -> None:
    first = date(2026, 11, 30)
    busy = date(2026, 12, 2)
    many = [run(f"2026-12-02T10:{m:02d}:00+00:00", run_id=str(m)) for m in range(10)]
    weeks = weeks_of(answer("month", first, 35, {busy: many}), 12, today=busy)
    assert [len(w) for w in weeks] == [7] * 5
    cells = {c["day"]: c for w in weeks for c in w}
    cell = cells[busy.isoformat()]
    assert len(cell["entries"]) == SHOWN_PER_DAY["month"]
    assert cell["more"] == str(10 - SHOWN_PER_DAY["month"])
    assert cell["today"] and cell["crowded"] == "More runs of every_minute"
    assert not cells["2026-11-30"]["in_month"] and cells["2026-12-31"]["in_month"]
    assert cells["2026-12-03"]["more"] == "" and cells["2026-12-03"]["crowded"] == ""


def test_a_week_lists_every_entry_of_a_day() -> None:
    first = date(2026, 11, 30)
    many = [run(f"2026-12-01T10:{m:02d}:00+00:00", run_id=str(m)) for m in range(30)]
    (week,) = weeks_of(answer("week", first, 7, {date(2026, 12, 1): many}), None, today=first)
    assert len(week[1]["entries"]) == 30 and week[1]["more"] == ""
    assert all(c["in_month"] for c in week)
