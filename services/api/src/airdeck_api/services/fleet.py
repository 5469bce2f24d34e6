"""The Airflow deployments one caller may see, and a request context for each of them.

A caller sees a deployment when their role or one of their grants may show them a DAG of it
(``rbac.sees_deployment``). One they may not see answers exactly like one that is not
configured, and the 404 names only the deployments they see, so a deployment-scoped caller
cannot learn what else is configured.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_api.schemas.deployments import DeploymentProfile
from airdeck_api.services.access import DagAccess
from airdeck_api.services.audit import Actor, AuditTrail
from airdeck_api.services.cached import SharedCache
from airdeck_api.services.context import RequestContext
from airdeck_api.services.ports import DeploymentsPort
from airdeck_api.services.product import ProductData
from airdeck_domain.errors import InvalidInputError, NotFoundError
from airdeck_domain.merging import ALL_DEPLOYMENTS
from airdeck_domain.rbac import Principal, sees_deployment


def addressed_deployment(
    principal: Principal, name: str | None, profiles: Sequence[DeploymentProfile]
) -> str:
    """The id of the one deployment a request names (the default one when ``name`` is None),
    checked: ``NotFoundError`` when it is not configured or the caller may not see it (the same
    answer for both), ``InvalidInputError`` for ``*``, which only a list across deployments
    takes."""
    if name == ALL_DEPLOYMENTS:
        message = (
            f"deployment={ALL_DEPLOYMENTS} asks every deployment at once, which only the DAG "
            "list (GET /dags) and GET /deployments do; name one deployment here"
        )
        raise InvalidInputError(message, errors={"deployment": message})
    visible = [p.id for p in profiles if sees_deployment(principal, p.id)]
    if name is None:
        default = next((p.id for p in profiles if p.default), None)
        if default in visible:
            return str(default)
        # Not named: which deployment is the default is none of this caller's business.
        raise NotFoundError(
            "The default deployment is not one you may see; name one with ?deployment= "
            f"({_known(visible)})"
        )
    if name not in visible:
        raise NotFoundError(f"Unknown deployment '{name}'. {_known(visible)}")
    return name


def _known(visible: Sequence[str]) -> str:
    return f"Known deployments: {', '.join(visible)}" if visible else "You may see no deployment"


class Fleet:
    """The deployments ``principal`` may see (``visible``, in their configured order) and, for
    any of them, the request context its use cases work with. Every context shares the one
    request's DB session: use them one at a time wherever they touch the product DB."""

    def __init__(
        self,
        deployments: DeploymentsPort,
        profiles: Sequence[DeploymentProfile],
        *,
        principal: Principal,
        cache: SharedCache,
        session: AsyncSession,
        audit: AuditTrail,
        actor: Actor,
    ) -> None:
        self.deployments = deployments
        self.profiles = tuple(profiles)
        self.principal = principal
        self.cache = cache
        self.session = session
        self.audit = audit
        self.actor = actor
        self.visible = tuple(p for p in self.profiles if sees_deployment(principal, p.id))

    def context(self, name: str | None) -> RequestContext:
        """The request context of deployment ``name`` (the default one when None), checked as
        ``addressed_deployment`` checks it."""
        airflow = self.deployments.get(addressed_deployment(self.principal, name, self.profiles))
        product = ProductData(self.session, airflow.name)
        return RequestContext(
            airflow=airflow,
            cache=self.cache,
            session=self.session,
            product=product,
            access=DagAccess(self.principal, airflow, product),
            audit=self.audit,
            actor=self.actor,
        )
