"""The calendar's API answer shaped for the page: weeks of days, each entry with what it links
to and how it reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from airdeck_web.models import CalendarDay, CalendarEntry

SHOWN_PER_DAY = {"month": 6, "week": 200}
"""Entries a day cell lists before "+N more": a month cell has room for a few lines only."""


def entry_row(entry: dict[str, Any]) -> CalendarEntry:
    """One entry as the page shows it: its local time, its text, colour key and link."""
    at = datetime.fromisoformat(entry["at"])
    dag_href = "/workflows/" + quote(entry["dag_id"], safe="")
    # The DAG and run pages ask the deployment their URL names (see states.deployments).
    where = "?deployment=" + quote(entry.get("deployment") or "default", safe="")
    expected = entry["kind"] == "expected"
    return {
        "time": at.strftime("%H:%M"),
        "dag_id": entry["dag_id"],
        "label": entry["display_name"],
        "expected": expected,
        "state": "expected" if expected else (entry.get("state") or "none"),
        "deployment": entry.get("deployment") or "default",
        "href": (
            dag_href if expected else f"{dag_href}/runs/{quote(entry.get('run_id') or '', safe='')}"
        )
        + where,
    }


def weeks_of(
    calendar: dict[str, Any], shown_month: int | None, today: date
) -> list[list[CalendarDay]]:
    """The calendar's days in rows of seven (Monday first), each day with its entries (at most
    ``SHOWN_PER_DAY`` of the view's), how many were left out, whether it lies in the month
    shown (None for a week view: every day does) and whether it is ``today``."""
    limit = SHOWN_PER_DAY[calendar["view"]]
    days: list[CalendarDay] = []
    for day in calendar["days"]:
        when = date.fromisoformat(day["day"])
        rows = [entry_row(e) for e in day["entries"]]
        crowded = day.get("crowded") or []
        days.append(
            {
                "day": day["day"],
                "number": str(when.day),
                "weekday": when.strftime("%a"),
                "in_month": shown_month is None or when.month == shown_month,
                "today": when == today,
                "entries": rows[:limit],
                "more": str(len(rows) - limit) if len(rows) > limit else "",
                "crowded": ("More runs of " + ", ".join(crowded)) if crowded else "",
            }
        )
    return [days[i : i + 7] for i in range(0, len(days), 7)]
