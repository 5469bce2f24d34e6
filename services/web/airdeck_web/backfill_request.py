"""The backfill form's inputs as the API's backfill body, checked before it is sent: the same
range rules the API applies (``airdeck_domain.backfills.range_errors``), and its bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from airdeck_domain.backfills import range_errors
from airdeck_web.models import BackfillRequest

REPROCESS_BEHAVIOURS = ("none", "failed", "completed")
MAX_ACTIVE_RUNS = 100
"""The most runs a backfill may keep going at once through Airdeck (the API's bound)."""


def _day_start(text: str) -> datetime | None:
    """The start (midnight UTC) of the day ``2025-04-01``; None for text that is no day."""
    try:
        return datetime.combine(date.fromisoformat(text.strip()), time(), UTC)
    except ValueError:
        return None


def _max_active(text: str) -> int | None:
    try:
        value = int(text.strip())
    except ValueError:
        return None
    return value if 1 <= value <= MAX_ACTIVE_RUNS else None


def backfill_request(
    from_day: str,
    to_day: str,
    reprocess: str,
    max_active: str,
    backwards: bool,
    conf: dict[str, Any],
) -> tuple[BackfillRequest | None, dict[str, str]]:
    """The body asking for a backfill of the UTC days ``from_day`` to ``to_day`` (both
    included), or None and what is wrong with the inputs, keyed as the API keys its errors
    (``from_date``, ``to_date``, ``reprocess_behavior``, ``max_active_runs``)."""
    errors: dict[str, str] = {}
    start, end = _day_start(from_day), _day_start(to_day)
    for key, text, moment in (("from_date", from_day, start), ("to_date", to_day, end)):
        if moment is None:
            errors[key] = "choose a day" if not text.strip() else "is not a day (YYYY-MM-DD)"
    if start is not None and end is not None:
        errors.update(range_errors(start, end))
    if reprocess not in REPROCESS_BEHAVIOURS:
        errors["reprocess_behavior"] = "choose none, failed or completed"
    runs = _max_active(max_active)
    if runs is None:
        errors["max_active_runs"] = f"a whole number from 1 to {MAX_ACTIVE_RUNS}"
    if errors or start is None or end is None or runs is None:
        return None, errors
    return (
        BackfillRequest(
            from_date=start.isoformat().replace("+00:00", "Z"),
            to_date=end.isoformat().replace("+00:00", "Z"),
            reprocess_behavior=reprocess,
            max_active_runs=runs,
            run_backwards=backwards,
            conf=conf,
        ),
        {},
    )
