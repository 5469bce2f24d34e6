"""What the Backfills tab shows of the API's backfills and of a dry run: each backfill's range,
settings, status and progress, and the logical dates a backfill would create."""

from __future__ import annotations

from datetime import UTC, datetime

from airdeck_web.models import ApiBackfill, BackfillPlan, BackfillRow, BackfillStateCount
from airdeck_web.timefmt import exact

STATE_ORDER = ("queued", "running", "success", "failed")
"""The order a backfill's run states are listed in: as a run goes through them."""
REPROCESS_LABELS = {
    "none": "missing dates only",
    "failed": "missing and failed dates",
    "completed": "every date, even completed ones",
}
"""What each reprocess behaviour runs again, in words."""


def day_or_time(iso: str | None) -> str:
    """A UTC day (``2025-04-01``) for a time at midnight UTC, else the exact UTC time; an
    empty string for none."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return iso
    if (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0):
        return moment.strftime("%Y-%m-%d")
    return exact(iso)


def status(backfill: ApiBackfill) -> str:
    """``completed`` once Airflow completed it (all its runs ended, or it was cancelled),
    else ``paused`` or ``running``."""
    if backfill.get("completed_at"):
        return "completed"
    return "paused" if backfill.get("is_paused") else "running"


def state_counts(states: dict[str, int]) -> list[BackfillStateCount]:
    """The states a backfill's runs are in, in the order a run goes through them (any other
    state after those), each with how many runs are in it."""
    ordered = [s for s in STATE_ORDER if s in states] + sorted(set(states) - set(STATE_ORDER))
    return [BackfillStateCount(state=s, count=states[s]) for s in ordered if states[s] > 0]


def backfill_row(backfill: ApiBackfill) -> BackfillRow:
    """A backfill as its row shows it; a progress the API did not read shows as unknown."""
    progress = backfill.get("progress")
    behaviour = str(backfill.get("reprocess_behavior") or "none")
    settings = [REPROCESS_LABELS.get(behaviour, behaviour)]
    if backfill.get("max_active_runs"):
        settings.append(f"{backfill['max_active_runs']} at a time")
    shown = status(backfill)
    done, total = (progress["done"], progress["total"]) if progress else (0, 0)
    return BackfillRow(
        id=int(backfill["id"]),
        range=f"{day_or_time(backfill.get('from_date'))} → {day_or_time(backfill.get('to_date'))}",
        status=shown,
        active=shown != "completed",
        paused=bool(backfill.get("is_paused")),
        settings=" · ".join(settings),
        progress=f"{done} of {total} done" if progress else "unknown",
        percent=done * 100 // total if total else 0,
        states=state_counts(progress["states"]) if progress else [],
        created=str(backfill.get("created_at") or ""),
        created_exact=exact(backfill.get("created_at")),
    )


def planned_dates(plan: BackfillPlan) -> list[str]:
    """The logical date of each run a dry run lists, in the order Airflow would create them
    (a run without one, of a partitioned DAG, by its partition key)."""
    return [
        day_or_time(run.get("logical_date")) or str(run.get("partition_key") or "")
        for run in plan["runs"]
    ]
