"""Saved run configs: named confs per DAG, private to their creator or shared."""

from __future__ import annotations

from uuid import UUID

import msgspec

from airdeck_adapters.db.models import SavedRunConfig
from airdeck_adapters.db.services import SavedRunConfigService
from airdeck_api.schemas.product import ConfigBody, ConfigPatch, SavedConfig
from airdeck_api.services.context import RequestContext
from airdeck_api.services.run_conf import conf_errors, conf_refused
from airdeck_domain.errors import ConflictError, NotFoundError


def to_schema(row: SavedRunConfig) -> SavedConfig:
    """The API's view of a saved config."""
    return SavedConfig(
        id=row.id,
        dag_id=row.dag_id,
        name=row.name,
        conf=row.conf,
        created_by=row.created_by,
        shared=row.shared,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class ConfigService:
    """Saved configs of one deployment's DAGs for one caller."""

    def __init__(self, context: RequestContext) -> None:
        self.airflow = context.airflow
        self.configs = SavedRunConfigService(session=context.session)
        self.access = context.access
        self.audit = context.audit
        self.actor = context.actor

    async def visible(self, dag_id: str) -> list[SavedConfig]:
        """The caller's configs and everyone's shared ones."""
        await self.access.require("dags:read", dag_id)
        rows = await self.configs.visible(self.airflow.name, dag_id, self.actor.user_id)
        return [to_schema(r) for r in rows]

    async def _validated(self, dag_id: str, conf: dict[str, object]) -> None:
        errors = await conf_errors(self.airflow, dag_id, conf)
        if errors:
            raise conf_refused(
                "The conf does not match the DAG's params; nothing was saved.", errors
            )

    async def _unique(self, dag_id: str, name: str, exclude: UUID | None = None) -> None:
        clash = await self.configs.get_one_or_none(
            SavedRunConfig.deployment == self.airflow.name,
            SavedRunConfig.dag_id == dag_id,
            SavedRunConfig.created_by == self.actor.user_id,
            SavedRunConfig.name == name,
        )
        if clash is not None and clash.id != exclude:
            raise ConflictError(f"You already have a config named '{name}' for '{dag_id}'")

    async def create(self, dag_id: str, body: ConfigBody) -> SavedConfig:
        """Save a conf under a name (validated against the DAG's params)."""
        async with self.audit.refusals(self.actor, "save_config", self.airflow.name, dag_id):
            await self.access.require("configs:write", dag_id)
        await self._validated(dag_id, body.conf)
        await self._unique(dag_id, body.name)
        async with self.audit.action(
            self.actor,
            "save_config",
            self.airflow.name,
            dag_id,
            details={"name": body.name, "conf": body.conf, "shared": body.shared},
        ):
            row = await self.configs.create(
                SavedRunConfig(
                    deployment=self.airflow.name,
                    dag_id=dag_id,
                    name=body.name,
                    conf=body.conf,
                    created_by=self.actor.user_id,
                    shared=body.shared,
                ),
                auto_commit=True,
            )
        return to_schema(row)

    async def _own(self, dag_id: str, config_id: UUID) -> SavedRunConfig:
        row = await self.configs.get_one_or_none(id=config_id)
        mine = row is not None and (
            row.created_by == self.actor.user_id or self.access.global_grant("metadata:write")
        )
        if row is None or not mine or row.dag_id != dag_id or row.deployment != self.airflow.name:
            raise NotFoundError(f"No saved config {config_id} of yours for '{dag_id}'")
        return row

    async def update(self, dag_id: str, config_id: UUID, body: ConfigPatch) -> SavedConfig:
        """Rename, change or (un)share a config of yours (admins may change any)."""
        async with self.audit.refusals(self.actor, "save_config", self.airflow.name, dag_id):
            await self.access.require("configs:write", dag_id)
        row = await self._own(dag_id, config_id)
        changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
        if "conf" in changes:
            await self._validated(dag_id, changes["conf"])
        if "name" in changes:
            await self._unique(dag_id, changes["name"], exclude=row.id)
        async with self.audit.action(
            self.actor,
            "save_config",
            self.airflow.name,
            dag_id,
            details={"config_id": str(config_id), **changes},
        ):
            for key, value in changes.items():
                setattr(row, key, value)
            row = await self.configs.update(row, auto_commit=True)
        return to_schema(row)

    async def delete(self, dag_id: str, config_id: UUID) -> None:
        """Delete a config of yours (admins may delete any)."""
        async with self.audit.refusals(self.actor, "delete_config", self.airflow.name, dag_id):
            await self.access.require("configs:write", dag_id)
        row = await self._own(dag_id, config_id)
        async with self.audit.action(
            self.actor,
            "delete_config",
            self.airflow.name,
            dag_id,
            details={"config_id": str(config_id), "name": row.name},
        ):
            await self.configs.delete(row.id, auto_commit=True)
