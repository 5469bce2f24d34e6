"""What the tables show of the API's runs and task instances: a state even when Airflow has none
yet, and human times beside the raw ones."""

from __future__ import annotations

from typing import Any

from airdeck_web.timefmt import duration, exact


def shown(item: dict[str, Any], duration_key: str) -> dict[str, Any]:
    """``item`` plus ``took`` (from its ``duration_key``), ``started`` (the ISO start, which
    the browser shows as "3 min ago") and ``started_exact`` (for the tooltip); a missing state
    reads ``none``."""
    return {
        **item,
        "state": item.get("state") or "none",
        "took": duration(item.get(duration_key)),
        "started": item.get("start_date") or "",
        "started_exact": exact(item.get("start_date")),
    }
