"""Favorites and product metadata of DAGs, audited."""

from __future__ import annotations

import msgspec

from airdeck_api.schemas.product import MetadataBody, MetadataResult
from airdeck_api.services.context import RequestContext


class MetadataService:
    """Writes the product's data about one deployment's DAGs for one caller."""

    def __init__(self, context: RequestContext) -> None:
        self.airflow = context.airflow
        self.product = context.product
        self.access = context.access
        self.audit = context.audit
        self.actor = context.actor

    async def set_favorite(self, dag_id: str, favorite: bool) -> bool:
        """Star or unstar a DAG the caller may read (404 for an unknown DAG)."""
        action = "favorite" if favorite else "unfavorite"
        async with self.audit.refusals(self.actor, action, self.airflow.name, dag_id):
            await self.access.require("dags:read", dag_id, must_exist=True)
        async with self.audit.action(self.actor, action, self.airflow.name, dag_id):
            await self.product.favorites.set(
                self.airflow.name, self.actor.user_id, dag_id, favorite
            )
        return favorite

    async def update(self, dag_id: str, body: MetadataBody) -> MetadataResult:
        """Apply the fields given to the DAG's metadata."""
        async with self.audit.refusals(self.actor, "update_metadata", self.airflow.name, dag_id):
            await self.access.require("metadata:write", dag_id, must_exist=True)
        changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
        if "custom_tags" in changes:
            changes["custom_tags"] = sorted(set(changes["custom_tags"]))
        async with self.audit.action(
            self.actor, "update_metadata", self.airflow.name, dag_id, details=changes
        ):
            row = await self.product.metadata.upsert_for(self.airflow.name, dag_id, changes)
        return MetadataResult(
            updated=True,
            dag_id=dag_id,
            environment=row.environment,
            owner_team=row.owner_team,
            custom_tags=list(row.custom_tags or []),
            description=row.description,
        )
