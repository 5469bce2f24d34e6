"""What may be cached, under which key, for how long (guide §9.2). Storage is the caller's."""

from __future__ import annotations

from datetime import datetime

import msgspec

from airdeck_domain.models import FINISHED_RUN_STATES

STRUCTURE_TTL = 300.0
DAG_LIST_TTL = 30.0
HEALTH_TTL = 30.0


class CacheRule(msgspec.Struct, frozen=True):
    """``key`` None: do not cache. ``ttl`` None: keep for good (the value never changes)."""

    key: str | None
    ttl: float | None


def structure(deployment: str, dag_id: str, version: int | None) -> CacheRule:
    """A DAG's laid-out structure: keyed by DAG version, so a deploy is picked up at once."""
    if version is None:
        return CacheRule(key=None, ttl=None)
    return CacheRule(key=f"{deployment}:structure:{dag_id}:v{version}", ttl=STRUCTURE_TTL)


def dag_list() -> CacheRule:
    """Per-DAG data shown in lists (e.g. the last run); callers add the DAG to the key."""
    return CacheRule(key="dag-list", ttl=DAG_LIST_TTL)


def health(deployment: str) -> CacheRule:
    """A deployment's health report."""
    return CacheRule(key=f"{deployment}:health", ttl=HEALTH_TTL)


def task_instances(
    deployment: str, dag_id: str, run_id: str, run_state: str | None, ended_at: datetime | None
) -> CacheRule:
    """A run's task instances: for good once the run finished, never while it runs.

    The key carries the run's end time: a finished run that is cleared and runs again ends
    at another time, so its new instances never meet the old entry.
    """
    if run_state not in FINISHED_RUN_STATES or ended_at is None:
        return CacheRule(key=None, ttl=None)
    return CacheRule(key=f"{deployment}:tis:{dag_id}:{run_id}:{ended_at.isoformat()}", ttl=None)
