"""One order over several deployments' DAGs: total, stable, and the same in pages as whole."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import get_args

from hypothesis import given
from hypothesis import strategies as st

from airdeck_domain.merging import merged_order, needs_last_runs
from airdeck_domain.models import Dag, DagSort, LastRun

SORTS: tuple[str, ...] = get_args(DagSort)
BASE = datetime(2026, 1, 1, tzinfo=UTC)
times = st.none() | st.integers(min_value=0, max_value=5).map(lambda h: BASE + timedelta(hours=h))
last_runs = st.none() | st.builds(
    LastRun,
    run_id=st.just("r"),
    state=st.none() | st.sampled_from(["success", "failed", "running"]),
    start_date=times,
)
dags = st.builds(
    Dag,
    dag_id=st.sampled_from(["a", "b", "c", "d"]),
    display_name=st.just("x"),
    deployment=st.sampled_from(["default", "staging", "prod"]),
    next_run=times,
    last_run=last_runs,
)
# One DAG id per deployment at most, as in Airflow.
fleets = st.lists(dags, max_size=12, unique_by=lambda d: (d.dag_id, d.deployment))


def value(dag: Dag, field: str) -> object:
    last = dag.last_run
    return {
        "dag_id": dag.dag_id,
        "next_run": dag.next_run,
        "last_run": last.start_date if last else None,
        "last_run_state": last.state if last else None,
    }[field]


@given(fleets, st.sampled_from(SORTS))
def test_the_order_is_a_permutation_sorted_by_the_field_with_missing_values_last(
    fleet: list[Dag], sort: DagSort
) -> None:
    ordered = merged_order(fleet, sort)
    key = [(d.dag_id, d.deployment) for d in ordered]
    assert sorted(key) == sorted((d.dag_id, d.deployment) for d in fleet)
    field, descending = sort.removeprefix("-"), sort.startswith("-")
    values = [value(d, field) for d in ordered]
    present = [v for v in values if v is not None]
    assert values[: len(present)] == present, "DAGs without a value come last"
    assert present == sorted(present, reverse=descending)  # type: ignore[type-var]
    for before, after in pairwise(ordered):
        if value(before, field) == value(after, field):
            assert (before.dag_id, before.deployment) < (after.dag_id, after.deployment)


@given(fleets, st.sampled_from(SORTS), st.integers(min_value=1, max_value=5))
def test_pages_cut_from_the_order_cover_every_dag_once_whatever_the_input_order(
    fleet: list[Dag], sort: DagSort, size: int
) -> None:
    ordered = merged_order(fleet, sort)
    assert merged_order(list(reversed(fleet)), sort) == ordered
    pages = [ordered[start : start + size] for start in range(0, len(ordered), size)]
    assert [d for page in pages for d in page] == ordered


def test_the_same_dag_id_in_two_deployments_orders_by_deployment() -> None:
    prod = Dag(dag_id="etl", display_name="etl", deployment="prod")
    staging = Dag(dag_id="etl", display_name="etl", deployment="staging")
    first = Dag(dag_id="alpha", display_name="alpha", deployment="staging")
    assert merged_order([staging, prod, first], "dag_id") == [first, prod, staging]
    assert merged_order([staging, prod, first], "-dag_id") == [prod, staging, first]


def test_only_last_run_orders_need_every_last_run() -> None:
    assert {s for s in SORTS if needs_last_runs(s)} == {  # type: ignore[arg-type]
        "last_run",
        "-last_run",
        "last_run_state",
        "-last_run_state",
    }
