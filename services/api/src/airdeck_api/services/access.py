"""DAG-level authorization: a principal's grants matched against the DAG's scope.

A DAG outside the caller's scope answers exactly like a DAG that does not exist (the same 404
and message), so a scoped user cannot learn which DAGs exist beyond their scope. A DAG they may
read but not change answers 403: its existence is no secret to them.
"""

from __future__ import annotations

from airdeck_api.services.audit import OutOfScopeError
from airdeck_api.services.ports import AirflowPort
from airdeck_api.services.product import ProductData, scope_of
from airdeck_domain.errors import ForbiddenError, NotFoundError
from airdeck_domain.models import Dag
from airdeck_domain.rbac import Principal, decide, permissions_of, visible


def dag_not_found(dag_id: str, deployment: str) -> NotFoundError:
    """The one 404 for an unknown DAG, whether it is missing or out of the caller's scope."""
    return NotFoundError(f"No DAG '{dag_id}' in deployment '{deployment}'", deployment=deployment)


class DagAccess:
    """Checks a permission on one DAG for the calling principal."""

    def __init__(self, principal: Principal, airflow: AirflowPort, product: ProductData) -> None:
        self.principal = principal
        self.airflow = airflow
        self.product = product

    def global_grant(self, permission: str) -> bool:
        """Whether the principal's role grants ``permission`` on every DAG (no lookup needed)."""
        return permission in permissions_of(self.principal.role)

    def check(self, permission: str, dag: Dag) -> None:
        """Raise unless the principal holds ``permission`` on ``dag``: a 404 like a missing
        DAG's when they may not even read it, ForbiddenError (403) otherwise."""
        scope = scope_of(dag)
        decision = decide(self.principal, permission, scope)
        if decision.allowed:
            return
        if not visible(self.principal, scope):
            missing = dag_not_found(dag.dag_id, self.airflow.name)
            raise OutOfScopeError(
                missing.message, reason=decision.reason, deployment=missing.deployment
            )
        raise ForbiddenError(
            f"Missing permission '{permission}' on DAG '{dag.dag_id}': {decision.reason}"
        )

    async def require(self, permission: str, dag_id: str, *, must_exist: bool = False) -> None:
        """Like ``check``, looking the DAG up (404 when it does not exist). A global grant needs
        no lookup unless ``must_exist`` asks for the DAG to be checked anyway."""
        if self.global_grant(permission) and not must_exist:
            return
        try:
            detail = await self.airflow.get_dag(dag_id)
        except NotFoundError:
            raise dag_not_found(dag_id, self.airflow.name) from None
        (dag,) = await self.product.annotate([detail], self.principal.subject)
        self.check(permission, dag)
