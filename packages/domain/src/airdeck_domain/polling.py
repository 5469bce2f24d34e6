"""How often each view should ask again (docs/adr/0005), backing off while nothing changes.

The paces fit one person's default API rate limits with room to spare: a live log's tail asks
at most 20 times a minute (of 30 log reads), so opening another log or downloading one in the
same minute is not refused; a run view asks at most 30 times a minute (of 100 reads)."""

from __future__ import annotations

from typing import Literal

from airdeck_domain.models import FINISHED_RUN_STATES, FINISHED_TASK_STATES

View = Literal["dag_list", "dag", "health", "run", "logs"]

FIXED_SECONDS: dict[str, float] = {"dag_list": 15.0, "dag": 10.0, "health": 30.0}
BACKOFF_SECONDS: dict[str, tuple[float, ...]] = {"run": (2.0, 5.0, 10.0), "logs": (3.0, 5.0)}


def next_interval(view: View, state: str | None = None, unchanged_polls: int = 0) -> float | None:
    """Seconds until the next poll of ``view``, or None to stop polling.

    The DAG list (15 s), a DAG's page (its header and runs, 10 s) and health (30 s) poll at a
    fixed pace. A run view (``state``: the run's
    state) and a log view (``state``: the task's state) stop once finished; while active they
    poll every 2 s (run) or 3 s (logs) and back off (run: 5 s, then 10 s; logs: 5 s) after each
    poll that brought nothing new (``unchanged_polls``); any change resets the count to 0.
    """
    if view in FIXED_SECONDS:
        return FIXED_SECONDS[view]
    finished = FINISHED_RUN_STATES if view == "run" else FINISHED_TASK_STATES
    if state in finished:
        return None
    steps = BACKOFF_SECONDS[view]
    return steps[min(max(unchanged_polls, 0), len(steps) - 1)]
