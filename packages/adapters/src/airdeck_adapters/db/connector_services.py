"""advanced-alchemy service over the connectors table."""

from __future__ import annotations

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService

from airdeck_adapters.db.models import ConnectorRow


class ConnectorRowService(SQLAlchemyAsyncRepositoryService[ConnectorRow]):
    """No-code API connectors."""

    class Repo(SQLAlchemyAsyncRepository[ConnectorRow]):
        model_type = ConnectorRow

    repository_type = Repo

    async def every(self) -> list[ConnectorRow]:
        """Every connector, oldest first."""
        rows = await self.get_many(order_by=[(ConnectorRow.created_at, False)])
        return list(rows)

    async def by_slug(self, deployment: str, slug: str) -> ConnectorRow | None:
        """The connector of ``slug`` in ``deployment``, if any."""
        return await self.get_one_or_none(
            ConnectorRow.deployment == deployment, ConnectorRow.slug == slug
        )
