"""DAG-level authorization: a principal's grants matched against the DAG's scope."""

from __future__ import annotations

from airdeck_adapters.airflow import AirflowClient
from airdeck_api.services.product import ProductData, scope_of
from airdeck_domain.errors import ForbiddenError
from airdeck_domain.models import Dag
from airdeck_domain.rbac import Principal, decide, permissions_of


class DagAccess:
    """Checks a permission on one DAG for the calling principal."""

    def __init__(self, principal: Principal, airflow: AirflowClient, product: ProductData) -> None:
        self.principal = principal
        self.airflow = airflow
        self.product = product

    def global_grant(self, permission: str) -> bool:
        """Whether the principal's role grants ``permission`` on every DAG (no lookup needed)."""
        return permission in permissions_of(self.principal.role)

    def check(self, permission: str, dag: Dag) -> None:
        """Raise ForbiddenError (403) unless the principal holds ``permission`` on ``dag``."""
        decision = decide(self.principal, permission, scope_of(dag))
        if not decision.allowed:
            raise ForbiddenError(
                f"Missing permission '{permission}' on DAG '{dag.dag_id}': {decision.reason}"
            )

    async def require(self, permission: str, dag_id: str) -> None:
        """Like ``check``, looking the DAG up (404 when it does not exist)."""
        if self.global_grant(permission):
            return
        detail = await self.airflow.get_dag(dag_id)
        (dag,) = await self.product.annotate([detail], self.principal.subject)
        self.check(permission, dag)
