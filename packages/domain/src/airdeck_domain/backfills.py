"""Backfills: Airflow 3 creating a DAG's runs for a past date range, and the rules Airdeck checks
before asking for one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec

from airdeck_domain.models import FINISHED_RUN_STATES, Page

ReprocessBehavior = Literal["failed", "completed", "none"]
"""Which dates that already have a run are run again: those whose run failed, every one that
finished, or none (only the dates without a run get one)."""

MAX_BACKFILL_SPAN = timedelta(days=3660)
"""The longest range Airdeck asks for at once (ten years): Airflow plans every run of the range
in one request, so a mistyped year must not become a million runs."""


class BackfillProgress(msgspec.Struct, kw_only=True):
    """How far a backfill got: its runs by state, how many it has, and how many of them ended
    (success or failed). Airflow creates every run of a backfill when it starts, so ``total``
    is known from the start."""

    states: dict[str, int] = msgspec.field(default_factory=dict)
    total: int = 0
    done: int = 0


def progress_of(states: Mapping[str, int]) -> BackfillProgress:
    """The progress of a backfill whose runs are in ``states`` (state → how many runs); the
    states no run is in are left out."""
    counted = {state: count for state, count in states.items() if count > 0}
    return BackfillProgress(
        states=counted,
        total=sum(counted.values()),
        done=sum(count for state, count in counted.items() if state in FINISHED_RUN_STATES),
    )


class Backfill(msgspec.Struct, kw_only=True):
    """A backfill as Airflow keeps it. ``completed_at`` is set once it finished or was
    cancelled; ``is_paused`` stops it from starting more runs. ``progress``, read apart from
    the backfill itself, is None until it was read."""

    id: int
    dag_id: str
    from_date: datetime
    to_date: datetime
    conf: dict[str, Any] = msgspec.field(default_factory=dict)
    is_paused: bool = False
    reprocess_behavior: str = "none"
    max_active_runs: int | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None
    updated_at: datetime | None = None
    deployment: str = "default"
    progress: BackfillProgress | None = None


class BackfillPage(Page[Backfill], kw_only=True, rename={"items": "backfills"}):
    """One page of a DAG's backfills, oldest first."""

    items: list[Backfill]


class PlannedRun(msgspec.Struct, kw_only=True):
    """A run a backfill would create (its dry run's answer)."""

    logical_date: datetime | None = None
    partition_key: str | None = None


def range_errors(from_date: datetime, to_date: datetime) -> dict[str, str]:
    """What is wrong with a backfill's date range, by field (empty when it may be asked for):
    both ends carry a time zone, ``to_date`` is not before ``from_date``, and the range spans
    at most ``MAX_BACKFILL_SPAN``."""
    errors: dict[str, str] = {}
    for name, value in (("from_date", from_date), ("to_date", to_date)):
        if value.tzinfo is None or value.utcoffset() is None:
            errors[name] = "needs a time zone offset (e.g. 2025-01-01T00:00:00Z)"
    if errors:
        return errors
    if to_date < from_date:
        errors["to_date"] = "is before from_date"
    elif to_date - from_date > MAX_BACKFILL_SPAN:
        errors["to_date"] = f"is more than {MAX_BACKFILL_SPAN.days} days after from_date"
    return errors
