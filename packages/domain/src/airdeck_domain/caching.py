"""What may be cached, under which key, for how long (README.md, "Shielding Airflow", and
docs/adr/0007). Storage is the caller's.

Every entry has a TTL, so a shared store never grows without bound; entries that can change
through Airdeck (a run marked or cleared, a DAG paused or triggered) are dropped by exact key
when that happens, never by scanning for a prefix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import msgspec

from airdeck_domain.models import FINISHED_RUN_STATES, FINISHED_TASK_STATES

STRUCTURE_TTL = 300.0
DAG_LIST_TTL = 30.0
HEALTH_TTL = 30.0
VERSION_TTL = 300.0
DAG_VERSION_TTL = 5.0
"""How often, at most, a DAG's detail (and so its version) is re-read for every request."""
FINISHED_RUN_TTL = 600.0
"""A finished run and its task instances change only through a clear or a mark, which drop
them at once; the TTL only bounds how long an idle entry holds memory."""
LIVE_TTL = 2.0
"""A running run's state and task instances: as long as the fastest poll interval, so any
number of people watching one run cost Airflow one call per resource per poll."""
RUNS_PAGE_TTL = 5.0
"""A page of a DAG's runs: the scheduler adds runs and moves their states without Airdeck, so
a page is re-read at most this often; a trigger, clear or mark through Airdeck drops it at once."""
STALE_GRACE = 600.0
"""How long an entry is kept past its TTL, to be served (marked stale) while Airflow is slow."""


class CacheRule(msgspec.Struct, frozen=True):
    """``key`` None: do not cache. Otherwise the value is fresh for ``ttl`` seconds."""

    key: str | None
    ttl: float


NO_CACHE = CacheRule(key=None, ttl=0.0)


def structure(deployment: str, dag_id: str, version: int | None) -> CacheRule:
    """A DAG's laid-out structure: keyed by DAG version, so a deploy is picked up at once."""
    if version is None:
        return NO_CACHE
    return CacheRule(key=f"{deployment}:structure:{dag_id}:v{version}", ttl=STRUCTURE_TTL)


def tasks(deployment: str, dag_id: str, version: int | None) -> CacheRule:
    """A DAG's task definitions, keyed by DAG version like its structure."""
    if version is None:
        return NO_CACHE
    return CacheRule(key=f"{deployment}:tasks:{dag_id}:v{version}", ttl=STRUCTURE_TTL)


def dag_detail(deployment: str, dag_id: str) -> CacheRule:
    """A DAG's detail, which carries its version: re-read at most every few seconds."""
    return CacheRule(key=f"{deployment}:dag:{dag_id}", ttl=DAG_VERSION_TTL)


def dag_list_generation(deployment: str) -> str:
    """The counter whose value is part of every DAG list key: bumping it drops every list."""
    return f"{deployment}:dags-generation"


def dag_list(deployment: str, generation: int, query: Sequence[object]) -> CacheRule:
    """One page of Airflow's DAG list for one query (its filters, order and page)."""
    encoded = "|".join(str(part) for part in query)
    return CacheRule(key=f"{deployment}:dags:g{generation}:{encoded}", ttl=DAG_LIST_TTL)


def last_run(deployment: str, dag_id: str) -> CacheRule:
    """The newest run of a DAG, as shown in lists."""
    return CacheRule(key=last_run_key(deployment, dag_id), ttl=DAG_LIST_TTL)


def last_run_key(deployment: str, dag_id: str) -> str:
    """Where the newest run of a DAG is kept (dropped when Airdeck triggers one)."""
    return f"{deployment}:last-run:{dag_id}"


def health(deployment: str) -> CacheRule:
    """A deployment's health report."""
    return CacheRule(key=f"{deployment}:health", ttl=HEALTH_TTL)


def airflow_version(deployment: str) -> CacheRule:
    """The Airflow version a deployment runs (its ``/version``): it changes only with an
    upgrade, so it is re-read at most as often as a structure."""
    return CacheRule(key=f"{deployment}:version", ttl=VERSION_TTL)


def run(deployment: str, dag_id: str, run_id: str) -> CacheRule:
    """One run. How long it stays fresh depends on its state: see ``run_ttl``."""
    return CacheRule(key=f"{deployment}:run:{dag_id}:{run_id}", ttl=LIVE_TTL)


def run_ttl(run_state: str | None) -> float:
    """A finished run's data is kept until a clear or a mark drops it (or ``FINISHED_RUN_TTL``);
    a live run's for ``LIVE_TTL`` only, so all who watch it share one Airflow call per poll."""
    return FINISHED_RUN_TTL if run_state in FINISHED_RUN_STATES else LIVE_TTL


def task_instances(deployment: str, dag_id: str, run_id: str, run_state: str | None) -> CacheRule:
    """A run's task instances, fresh as long as the run's state allows (``run_ttl``)."""
    return CacheRule(key=f"{deployment}:tis:{dag_id}:{run_id}", ttl=run_ttl(run_state))


def earlier_tries(
    deployment: str, dag_id: str, run_id: str, task_id: str, map_index: int, try_number: int
) -> CacheRule:
    """The tries of a task instance before its current one (``try_number``): Airflow's history
    of them never changes, so they are kept as long as a finished run's data; a new try is a
    new key."""
    return CacheRule(
        key=f"{deployment}:tries:{dag_id}:{run_id}:{task_id}:{map_index}:{try_number}",
        ttl=FINISHED_RUN_TTL,
    )


def runs_generation(deployment: str, dag_id: str) -> str:
    """The counter whose value is part of every runs page of a DAG: bumping it drops them all."""
    return f"{deployment}:runs-generation:{dag_id}"


def runs_page(deployment: str, dag_id: str, generation: int, query: Sequence[object]) -> CacheRule:
    """One page of a DAG's runs for one query (its states, offset and limit)."""
    encoded = "|".join(str(part) for part in query)
    return CacheRule(key=f"{deployment}:runs:{dag_id}:g{generation}:{encoded}", ttl=RUNS_PAGE_TTL)


def run_generation(deployment: str, dag_id: str, run_id: str) -> str:
    """The counter whose value is part of every mapped-instance page of a run."""
    return f"{deployment}:run-generation:{dag_id}:{run_id}"


def mapped_page(
    deployment: str, dag_id: str, run_id: str, generation: int, query: Sequence[object]
) -> CacheRule:
    """One page of a mapped task's instances (its task, states, offset and limit). How long it
    stays fresh depends on the instances read: see ``instances_ttl``."""
    encoded = "|".join(str(part) for part in query)
    return CacheRule(
        key=f"{deployment}:mapped:{dag_id}:{run_id}:g{generation}:{encoded}", ttl=LIVE_TTL
    )


def instances_ttl(states: Iterable[str | None]) -> float:
    """Instances that have all finished change only through a clear or a mark, which drop them
    (``FINISHED_RUN_TTL``); while any is still to run, ``LIVE_TTL``. Judged from the instances
    themselves, so caching a page never costs a read of its run."""
    seen = list(states)
    finished = bool(seen) and all(state in FINISHED_TASK_STATES for state in seen)
    return FINISHED_RUN_TTL if finished else LIVE_TTL


def run_keys(deployment: str, dag_id: str, run_id: str) -> tuple[str, ...]:
    """Every entry a change to one run (a clear, a mark) makes wrong."""
    return (
        run(deployment, dag_id, run_id).key or "",
        task_instances(deployment, dag_id, run_id, None).key or "",
        last_run_key(deployment, dag_id),
    )


def dag_timezone(deployment: str, dag_id: str) -> CacheRule:
    """The time zone a DAG's schedule reads in: it changes only with the DAG's code, so it is
    kept like a structure, for the calendar's many DAGs at once."""
    return CacheRule(key=f"{deployment}:dag-timezone:{dag_id}", ttl=STRUCTURE_TTL)


def runs_started_between(deployment: str, start: str, end: str) -> CacheRule:
    """Every DAG's runs started in a calendar's window: re-read as often as the DAG list."""
    return CacheRule(key=f"{deployment}:runs-between:{start}:{end}", ttl=DAG_LIST_TTL)


def alert_history(deployment: str, kind: str, since: str, dag_ids: Sequence[str]) -> CacheRule:
    """What an alert rule's preview reads of some DAGs since a moment (``kind``: their runs,
    or their failed task instances): re-read as often as the DAG list, so a form previewed
    again and again costs Airflow one read a while. The DAGs are keyed by a digest."""
    digest = hashlib.sha256("\x1f".join(sorted(dag_ids)).encode()).hexdigest()[:24]
    return CacheRule(key=f"{deployment}:alert-history:{kind}:{since}:{digest}", ttl=DAG_LIST_TTL)


def dag_versions(deployment: str, dag_id: str) -> CacheRule:
    """A DAG's version history: a deploy adds a version, so re-read as often as its detail."""
    return CacheRule(key=f"{deployment}:dag-versions:{dag_id}", ttl=DAG_VERSION_TTL)


def dag_source(deployment: str, dag_id: str, version: int) -> CacheRule:
    """The code of one version of a DAG: a version never changes, so kept like a structure."""
    return CacheRule(key=f"{deployment}:dag-source:{dag_id}:v{version}", ttl=STRUCTURE_TTL)
