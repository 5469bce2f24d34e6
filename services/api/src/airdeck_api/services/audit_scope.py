"""Which audit rows a caller may read: every row for a global ``audit:read`` role, otherwise
only rows of the DAGs (per deployment) where one of their grants holds ``audit:read``."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_api.services.ports import AirflowPort
from airdeck_api.services.product import ProductData, scope_of
from airdeck_domain.rbac import Principal, decide, permissions_of, sees_deployment


async def audit_scope(
    principal: Principal, deployments: Iterable[AirflowPort], session: AsyncSession
) -> dict[str, list[str]] | None:
    """Deployment -> the DAG ids whose audit rows the principal may read; None for all rows.

    A scoped grant's selectors (tags, team, environment) are matched against each DAG as it is
    now, so the DAGs are read from every deployment the principal may see (an unreachable one
    answers 503 rather than a silently shorter log)."""
    if "audit:read" in permissions_of(principal.role):
        return None
    scope: dict[str, list[str]] = {}
    for airflow in deployments:
        if not sees_deployment(principal, airflow.name):
            scope[airflow.name] = []
            continue
        dags = await airflow.every_dag()
        annotated = await ProductData(session, airflow.name).annotate(dags, principal.subject)
        scope[airflow.name] = [
            d.dag_id for d in annotated if decide(principal, "audit:read", scope_of(d)).allowed
        ]
    return scope
