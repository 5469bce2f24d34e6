"""What every use case of one request works with, built once per request."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_api.services.access import DagAccess
from airdeck_api.services.audit import Actor, AuditTrail
from airdeck_api.services.cached import SharedCache
from airdeck_api.services.ports import AirflowPort
from airdeck_api.services.product import ProductData


@dataclass(frozen=True)
class RequestContext:
    """One request's view of Airdeck: the deployment asked (``airflow``), the shared cache,
    the request's product-DB ``session`` and product data, the caller's permission checks
    (``access``), the audit trail and who acts (``actor``)."""

    airflow: AirflowPort
    cache: SharedCache
    session: AsyncSession
    product: ProductData
    access: DagAccess
    audit: AuditTrail
    actor: Actor

    @property
    def deployment(self) -> str:
        """The name of the deployment asked."""
        return self.airflow.name
