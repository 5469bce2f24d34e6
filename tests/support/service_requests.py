"""Per-request contexts for the service layer, as the API's dependencies build them, around
a fake Airflow and a real product DB."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from airdeck_adapters.db.models import AuditLog
from airdeck_api.auth.users import parse_role
from airdeck_api.services.access import DagAccess
from airdeck_api.services.audit import Actor, AuditTrail
from airdeck_api.services.cached import SharedCache
from airdeck_api.services.context import RequestContext
from airdeck_api.services.product import ProductData
from tests.fakes.airflow import FakeAirflow


class ServiceRequests:
    """Builds the per-request context a controller's services get, for one caller."""

    def __init__(
        self,
        airflow: FakeAirflow,
        cache: SharedCache,
        session: AsyncSession,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        self.airflow = airflow
        self.cache = cache
        self.session = session
        self.sessions = sessions

    def as_user(self, name: str, role: str) -> RequestContext:
        """The context of a request by ``name`` holding ``role`` (``operator@team=x`` …)."""
        principal = parse_role(role, name)
        product = ProductData(self.session, self.airflow.name)
        return RequestContext(
            airflow=self.airflow,
            cache=self.cache,
            session=self.session,
            product=product,
            access=DagAccess(principal, self.airflow, product),
            audit=AuditTrail(self.sessions),
            actor=Actor(user_id=name, ip_address="192.0.2.7"),
        )

    async def audit_rows(self) -> list[AuditLog]:
        """Every audit row, oldest first, read in a session of its own."""
        async with self.sessions() as db_session:
            rows = await db_session.execute(select(AuditLog).order_by(AuditLog.timestamp))
            return list(rows.scalars())
