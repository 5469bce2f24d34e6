"""The web's polling paces, from the domain policy, against one person's default API limits:
a page left open must never be refused (429) for asking too often."""

from __future__ import annotations

from limits import parse

from airdeck_api.ratelimit import DEFAULT_LIMITS
from airdeck_domain.polling import View, next_interval


def per_minute(limit: str) -> float:
    item = parse(limit)
    return item.amount * 60 / item.get_expiry()


def fastest(view: View) -> float:
    """Polls a minute at the view's quickest pace (while every poll brings something new)."""
    interval = next_interval(view, "running", 0)
    assert interval is not None
    return 60 / interval


def test_a_live_log_tail_leaves_room_for_opening_searching_and_downloading() -> None:
    assert fastest("logs") <= per_minute(DEFAULT_LIMITS["logs"]) * 2 / 3


def test_a_watched_run_and_the_dag_list_leave_room_for_clicks() -> None:
    reads = per_minute(DEFAULT_LIMITS["reads"])
    assert fastest("run") + fastest("dag_list") <= reads / 2
    assert fastest("health") <= per_minute(DEFAULT_LIMITS["health"]) / 2
