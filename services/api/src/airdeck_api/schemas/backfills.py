"""Bodies and results of the backfill routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from airdeck_api.schemas.strict import Strict
from airdeck_domain.backfills import PlannedRun, ReprocessBehavior

MAX_ACTIVE_RUNS = 100
"""The most runs a backfill may keep going at once through Airdeck."""


class BackfillBody(Strict):
    """``POST /dags/{dag_id}/backfills`` (and its ``/dry-run``): runs for every schedule tick
    from ``from_date`` to ``to_date`` (both with a time zone), ``reprocess_behavior`` saying
    which dates that already have a run get one again; ``conf`` is checked against the DAG's
    params first."""

    from_date: datetime
    to_date: datetime
    reprocess_behavior: ReprocessBehavior = "none"
    max_active_runs: Annotated[int, msgspec.Meta(ge=1, le=MAX_ACTIVE_RUNS)] = 10
    run_backwards: bool = False
    conf: dict[str, Any] | None = None


class BackfillPlan(msgspec.Struct, kw_only=True):
    """What a backfill would create (its dry run): one entry per run, in the order Airflow
    would create them."""

    dag_id: str
    runs: list[PlannedRun]
    total: int


class BackfillPauseBody(Strict):
    """``PATCH /dags/{dag_id}/backfills/{backfill_id}/pause``."""

    is_paused: bool
