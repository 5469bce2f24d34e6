"""Across deployments: one DAG list sorted and paged over all of them, and an overview of each,
where a deployment that fails is named and never fails the others (fakes at the edge; the
real-Airflow tests are tests/integration/api/test_deployments.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from airdeck_adapters.cache import MemoryCache
from airdeck_api.auth.users import parse_role
from airdeck_api.schemas.deployments import DeploymentProfile
from airdeck_api.services.audit import Actor, AuditTrail
from airdeck_api.services.cached import SharedCache
from airdeck_api.services.dags import DagQuery
from airdeck_api.services.deployments import DeploymentService
from airdeck_api.services.fleet import Fleet
from airdeck_domain.errors import UnavailableError
from airdeck_domain.models import ComponentReport, DagPage
from tests.fakes.airflow import FakeAirflow, FakeDeployments


def fleet_of(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    *deployments: FakeAirflow,
    role: str = "viewer",
) -> DeploymentService:
    """The service as a caller holding ``role`` sees it, the first deployment the default."""
    profiles = [
        DeploymentProfile(id=d.name, name=d.name.title(), api_version="v2", default=index == 0)
        for index, d in enumerate(deployments)
    ]
    return DeploymentService(
        Fleet(
            FakeDeployments(*deployments),
            profiles,
            principal=parse_role(role, "sam"),
            cache=SharedCache(MemoryCache(), soft_deadline=1),
            session=session,
            audit=AuditTrail(sessions),
            actor=Actor(user_id="sam", ip_address="192.0.2.7"),
        )
    )


def rows(page: DagPage) -> list[tuple[str, str]]:
    return [(dag.deployment, dag.dag_id) for dag in page.items]


def two_deployments() -> tuple[FakeAirflow, FakeAirflow]:
    prod, staging = FakeAirflow(name="prod"), FakeAirflow(name="staging")
    for dag_id in ("b_load", "d_report", "shared"):
        prod.add_dag(dag_id)
    for dag_id in ("a_extract", "c_clean", "shared"):
        staging.add_dag(dag_id)
    return prod, staging


async def test_one_list_is_sorted_and_paged_across_deployments(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession]
) -> None:
    prod, staging = two_deployments()
    service = fleet_of(session, sessions, prod, staging)

    first = await service.dag_page("*", DagQuery(page=1, limit=4))
    second = await service.dag_page("*", DagQuery(page=2, limit=4))

    assert rows(first) + rows(second) == [
        ("staging", "a_extract"),
        ("prod", "b_load"),
        ("staging", "c_clean"),
        ("prod", "d_report"),
        ("prod", "shared"),
        ("staging", "shared"),
    ]
    assert first.total == second.total == 6 and first.unavailable == []
    # Every deployment is read once, whatever the page.
    assert prod.calls["every_dag"] == staging.calls["every_dag"] == 1


async def test_a_last_run_order_reads_every_last_run_first(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession]
) -> None:
    prod, staging = two_deployments()
    prod.add_run("d_report", "r1", state="success", start_date=_at(3))
    staging.add_run("c_clean", "r2", state="failed", start_date=_at(5))
    staging.add_run("shared", "r3", state="success", start_date=_at(1))
    service = fleet_of(session, sessions, prod, staging)

    page = await service.dag_page("*", DagQuery(limit=3, sort="-last_run"))

    assert rows(page) == [("staging", "c_clean"), ("prod", "d_report"), ("staging", "shared")]
    assert page.items[0].last_run is not None and page.items[0].last_run.run_id == "r2"


async def test_a_deployment_that_is_down_is_named_and_the_others_answer(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession]
) -> None:
    prod, staging = two_deployments()
    staging.down()
    service = fleet_of(session, sessions, prod, staging)

    page = await service.dag_page("*", DagQuery())

    assert rows(page) == [("prod", "b_load"), ("prod", "d_report"), ("prod", "shared")]
    (down,) = page.unavailable
    assert down.deployment == "staging" and "unreachable" in down.message


async def test_last_runs_that_fail_keep_the_rows_and_name_the_deployment(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession]
) -> None:
    prod, staging = two_deployments()
    staging.refuse["latest_runs"] = UnavailableError("staging timed out", deployment="staging")
    service = fleet_of(session, sessions, prod, staging)

    page = await service.dag_page("*", DagQuery())

    assert page.total == 6 and len(page.items) == 6
    assert [(u.deployment, u.message) for u in page.unavailable] == [
        ("staging", "staging timed out")
    ]


async def test_a_deployment_grant_lists_only_its_deployment(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession]
) -> None:
    prod, staging = two_deployments()
    service = fleet_of(session, sessions, prod, staging, role="operator@deployment=staging")

    page = await service.dag_page("*", DagQuery())
    overview = await service.summaries()

    assert rows(page) == [("staging", "a_extract"), ("staging", "c_clean"), ("staging", "shared")]
    assert [d.id for d in overview.deployments] == ["staging"]
    assert overview.deployments[0].dag_count == 3
    assert prod.calls == {}, "a deployment the caller may not see is never asked"


async def test_the_overview_reports_a_down_deployment_as_down(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession]
) -> None:
    prod, staging = two_deployments()
    beat = ComponentReport(status="healthy", heartbeat=_at(0))
    prod.components = {"db": ComponentReport(status="healthy"), "scheduler": beat}
    prod.airflow_version = "3.3.2"
    staging.down()
    service = fleet_of(session, sessions, prod, staging)

    up, down = (await service.summaries()).deployments

    assert (up.id, up.name, up.default, up.airflow_version, up.dag_count) == (
        "prod",
        "Prod",
        True,
        "3.3.2",
        3,
    )
    assert up.health.reachable and up.problem is None
    assert (down.id, down.default, down.dag_count, down.airflow_version) == (
        "staging",
        False,
        None,
        None,
    )
    assert not down.health.reachable and down.health.status == "unhealthy"


def _at(hour: int) -> datetime:
    return datetime(2026, 5, 1, hour, tzinfo=UTC)
