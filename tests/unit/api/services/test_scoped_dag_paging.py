"""The DAG list pages what the caller may see: a scoped caller's pages and total count only
their DAGs, in the order asked, across pages; a global reader gets Airflow's own paging."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_adapters.db.services import PipelineMetadataService
from airdeck_api.services.dags import DagQuery, DagService
from airdeck_domain.models import DagPage
from tests.fakes.airflow import FakeAirflow
from tests.support.service_requests import ServiceRequests


def finance_and_ops(airflow: FakeAirflow) -> None:
    """Seven DAGs tagged finance, five tagged ops; ``fin_02`` has run."""
    for index in range(7):
        airflow.add_dag(f"fin_{index:02d}", tags=["finance"])
    for index in range(5):
        airflow.add_dag(f"ops_{index:02d}", tags=["ops"])
    airflow.add_run("fin_02", "scheduled__1", state="success")


def ids(page: DagPage) -> list[str]:
    return [dag.dag_id for dag in page.items]


async def test_a_tag_scoped_reader_pages_through_only_their_dags(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    finance_and_ops(airflow)
    dags = DagService(requests_to.as_user("fin", "viewer@tag=finance"))

    first = await dags.page(DagQuery(page=1, limit=3))
    last = await dags.page(DagQuery(page=3, limit=3))

    assert ids(first) == ["fin_00", "fin_01", "fin_02"]
    assert ids(last) == ["fin_06"]
    assert first.total == last.total == 7
    assert (last.page, last.limit) == (3, 3)
    assert first.items[2].last_run is not None and first.items[2].last_run.run_id == "scheduled__1"
    assert first.items[0].last_run is None


async def test_the_order_asked_holds_across_a_scoped_callers_pages(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    finance_and_ops(airflow)
    dags = DagService(requests_to.as_user("fin", "viewer@tag=finance"))

    pages = [await dags.page(DagQuery(page=n, limit=3, sort="-dag_id")) for n in (1, 2, 3)]

    assert [dag_id for page in pages for dag_id in ids(page)] == [
        f"fin_{index:02d}" for index in reversed(range(7))
    ]


async def test_a_team_scope_comes_from_the_product_db(
    airflow: FakeAirflow, requests_to: ServiceRequests, session: AsyncSession
) -> None:
    finance_and_ops(airflow)
    metadata = PipelineMetadataService(session=session)
    for dag_id in ("ops_01", "ops_03"):
        await metadata.upsert_for("default", dag_id, {"owner_team": "finance"})
    await session.commit()
    dags = DagService(requests_to.as_user("fin", "operator@team=finance"))

    page = await dags.page(DagQuery(page=1, limit=25))

    assert ids(page) == ["ops_01", "ops_03"]
    assert page.total == 2
    assert {dag.owner_team for dag in page.items} == {"finance"}


async def test_a_global_reader_gets_airflows_own_paging(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    finance_and_ops(airflow)
    dags = DagService(requests_to.as_user("ann", "viewer"))

    page = await dags.page(DagQuery(page=2, limit=5))

    assert ids(page) == ["fin_05", "fin_06", "ops_00", "ops_01", "ops_02"]
    assert page.total == 12
    # One page of Airflow's list and one batched read of those DAGs' last runs; no full scan.
    assert airflow.calls == {"list_dags": 1, "latest_runs": 1}


async def test_a_scope_matching_nothing_is_an_empty_list(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    finance_and_ops(airflow)
    dags = DagService(requests_to.as_user("hr", "viewer@tag=hr"))

    page = await dags.page(DagQuery(page=1, limit=25))

    assert (ids(page), page.total) == ([], 0)
