"""One DAG list across several Airflow deployments: a single order over every deployment's DAGs.

Each Airflow sorts its own DAGs; across deployments the order is Airdeck's, the same for every
sort field: DAGs are compared by the field (``-`` first reverses it), a DAG without a value for
it (never ran, no next run) comes after every DAG with one whichever the direction, and ties are
broken by DAG id, then deployment, so the pages of a merged list are stable and disjoint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from airdeck_domain.models import Dag, DagSort

ALL_DEPLOYMENTS = "*"
"""The deployment a caller names to ask for a list across every deployment they may see; no
deployment may be called that."""
_VALUES: dict[str, Callable[[Dag], Any]] = {
    "dag_id": lambda dag: dag.dag_id,
    "next_run": lambda dag: dag.next_run,
    "last_run": lambda dag: dag.last_run.start_date if dag.last_run else None,
    "last_run_state": lambda dag: dag.last_run.state if dag.last_run else None,
}
"""Each sort field's value of a DAG; the values of one field are all of one comparable type."""


def needs_last_runs(sort: DagSort) -> bool:
    """Whether ordering by ``sort`` reads each DAG's last run (every DAG of the list then needs
    it before the list can be cut into pages)."""
    return sort.removeprefix("-") in ("last_run", "last_run_state")


def merged_order(dags: Iterable[Dag], sort: DagSort) -> list[Dag]:
    """``dags`` (of any deployments) in the order of ``sort``, as the module says."""
    value = _VALUES[sort.removeprefix("-")]
    tie_broken = sorted(dags, key=lambda d: (d.dag_id, d.deployment))
    valued = [d for d in tie_broken if value(d) is not None]
    missing = [d for d in tie_broken if value(d) is None]
    # Python's sort is stable, reversed or not: equal values keep the tie-break's order.
    valued.sort(key=value, reverse=sort.startswith("-"))
    return valued + missing
